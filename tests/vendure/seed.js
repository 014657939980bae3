// Places real orders through Vendure's Shop API, as a customer would: add items, give an e-mail
// and a US address, choose shipping, pay with the dummy card. Usage:
//   node seed.js PORT 'SKU:QTY,SKU:QTY' [more orders...]
// Prints one JSON line: [{id, code}] in the order given.
const port = process.argv[2];
const shop = `http://127.0.0.1:${port}/shop-api`;

async function gql(token, query, variables = {}) {
    const res = await fetch(shop, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return { data: body.data, token: res.headers.get('vendure-auth-token') || token };
}

function check(result, what) {
    if (result && result.errorCode) throw new Error(`${what}: ${result.errorCode} ${result.message}`);
    return result;
}

async function variants() {
    const { data } = await gql(null, '{ products(options: {take: 100}) { items { variants { id sku } } } }');
    const bySku = {};
    for (const p of data.products.items) for (const v of p.variants) bySku[v.sku] = v.id;
    return bySku;
}

async function placeOrder(bySku, spec, n) {
    let token = null;
    let r;
    for (const item of spec.split(',')) {
        const [sku, qty] = item.split(':');
        r = await gql(token, `mutation($id: ID!, $q: Int!) { addItemToOrder(productVariantId: $id, quantity: $q) {
            __typename ... on Order { id code } ... on ErrorResult { errorCode message } } }`, { id: bySku[sku], q: Number(qty) });
        token = r.token;
        check(r.data.addItemToOrder, 'addItemToOrder');
    }
    const order = r.data.addItemToOrder;
    r = await gql(token, `mutation($i: CreateCustomerInput!) { setCustomerForOrder(input: $i) {
        __typename ... on ErrorResult { errorCode message } } }`,
        { i: { emailAddress: `buyer${n}-${Date.now()}@example.com`, firstName: 'Pat', lastName: `Buyer ${n}` } });
    check(r.data.setCustomerForOrder, 'setCustomerForOrder');
    r = await gql(token, `mutation($i: CreateAddressInput!) { setOrderShippingAddress(input: $i) {
        __typename ... on ErrorResult { errorCode message } } }`,
        { i: { fullName: `Pat Buyer ${n}`, streetLine1: '350 Fifth Avenue', city: 'New York', province: 'NY', postalCode: '10118', countryCode: 'US' } });
    check(r.data.setOrderShippingAddress, 'setOrderShippingAddress');
    r = await gql(token, '{ eligibleShippingMethods { id } }');
    const method = r.data.eligibleShippingMethods[0].id;
    r = await gql(token, `mutation($m: [ID!]!) { setOrderShippingMethod(shippingMethodId: $m) {
        __typename ... on ErrorResult { errorCode message } } }`, { m: [method] });
    check(r.data.setOrderShippingMethod, 'setOrderShippingMethod');
    r = await gql(token, `mutation { transitionOrderToState(state: "ArrangingPayment") {
        __typename ... on ErrorResult { errorCode message } } }`);
    check(r.data.transitionOrderToState, 'transitionOrderToState');
    r = await gql(token, '{ eligiblePaymentMethods { code } }');
    const pay = r.data.eligiblePaymentMethods[0].code;
    r = await gql(token, `mutation($i: PaymentInput!) { addPaymentToOrder(input: $i) {
        __typename ... on Order { id code state } ... on ErrorResult { errorCode message } } }`, { i: { method: pay, metadata: {} } });
    check(r.data.addPaymentToOrder, 'addPaymentToOrder');
    return { id: order.id, code: order.code, state: r.data.addPaymentToOrder.state };
}

(async () => {
    const bySku = await variants();
    const out = [];
    for (const [i, spec] of process.argv.slice(3).entries()) out.push(await placeOrder(bySku, spec, i + 1));
    console.log(JSON.stringify(out));
})().catch((e) => {
    console.error(e.message || e);
    process.exit(1);
});
