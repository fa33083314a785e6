const express = require('express');

const app = express();
const port = process.env.PORT || ${{ values.port }};

app.get('/healthz', (_req, res) => res.send('ok'));

app.listen(port, () => {
  console.log(`${{ values.component_id }} listening on ${port}`);
});
