// A real Vendure server for Shopdesk's sync tests: sql.js database in VENDURE_DIR, listening on
// 127.0.0.1:VENDURE_PORT, bearer tokens, the dummy payment and manual fulfilment handlers. The
// first start populates a small catalog (products.csv) whose SKUs the tests also create in
// Shopdesk. Prints "vendure ready" when the APIs answer.
process.env.VENDURE_DISABLE_TELEMETRY = 'true';
const path = require('path');
const fs = require('fs');
const {
    bootstrap,
    dummyPaymentHandler,
    manualFulfillmentHandler,
    LanguageCode,
} = require('@vendure/core');
const { populate } = require('@vendure/core/cli');
// VENDURE_PRODUCTS: another catalog CSV (a window journey sells the demo shop's SKUs).
const products = process.env.VENDURE_PRODUCTS || path.join(__dirname, 'products.csv');

const dir = process.env.VENDURE_DIR || path.join(__dirname, 'data');
const port = Number(process.env.VENDURE_PORT || 3000);
fs.mkdirSync(dir, { recursive: true });
const location = path.join(dir, 'vendure.sqlite');
const fresh = !fs.existsSync(location);

const config = {
    apiOptions: { port, hostname: '127.0.0.1', adminApiPath: 'admin-api', shopApiPath: 'shop-api' },
    authOptions: {
        tokenMethod: ['bearer', 'cookie'],
        superadminCredentials: { identifier: 'superadmin', password: 'superadmin' },
        requireVerification: false,
        cookieOptions: { secret: 'shopdesk-test' },
    },
    dbConnectionOptions: { type: 'sqljs', location, autoSave: true, synchronize: true, logging: false },
    paymentOptions: { paymentMethodHandlers: [dummyPaymentHandler] },
    shippingOptions: { fulfillmentHandlers: [manualFulfillmentHandler] },
    plugins: [],
    logger: undefined,
};

const initialData = {
    defaultLanguage: LanguageCode.en,
    defaultZone: 'Americas',
    taxRates: [{ name: 'Standard Tax', percentage: 0 }],
    shippingMethods: [{ name: 'Standard Shipping', price: 500 }],
    paymentMethods: [
        {
            name: 'Card',
            handler: { code: dummyPaymentHandler.code, arguments: [{ name: 'automaticSettle', value: 'true' }] },
        },
    ],
    countries: [{ name: 'United States', code: 'US', zone: 'Americas' }],
    collections: [],
};

async function main() {
    if (fresh) {
        const app = await populate(() => bootstrap(config).then((a) => a), initialData, products);
        await app.close();
    }
    await bootstrap(config);
    console.log('vendure ready');
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
