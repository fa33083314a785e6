const express = require('express');

const app = express();
const port = process.env.PORT || 3000;

app.get('/healthz', (_req, res) => res.send('ok'));

app.listen(port, () => {
  console.log(`billing-api listening on ${port}`);
});
