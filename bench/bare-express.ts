// The baseline: a bare Express 5 webhook endpoint that parses the body and answers 200.
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.post('/webhook', express.json({ limit: '1mb' }), (_req, res) => {
  res.status(200).json({});
});
app.get('/healthz', (_req, res) => {
  res.status(200).json({ status: 'ok' });
});
app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
