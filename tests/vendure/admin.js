// One Admin API query as the superadmin, for tests that have no HTTP client of their own.
// Usage: node admin.js PORT 'QUERY' ['{"variables": …}']; prints the answer's data as JSON.
const [port, query, variables = '{}'] = process.argv.slice(2);
const admin = `http://127.0.0.1:${port}/admin-api`;

async function main() {
    const login = await fetch(admin, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation { login(username: "superadmin", password: "superadmin") { __typename } }' }),
    });
    const token = login.headers.get('vendure-auth-token');
    const res = await fetch(admin, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables: JSON.parse(variables) }),
    });
    const body = await res.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    console.log(JSON.stringify(body.data));
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
