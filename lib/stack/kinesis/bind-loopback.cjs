// Preloaded into kinesis-mock (node --require), which always listens on every interface:
// listen() calls that name no host are bound to CASSFLOW_BIND_HOST (127.0.0.1) instead.
'use strict';
const net = require('node:net');

const host = process.env.CASSFLOW_BIND_HOST || '127.0.0.1';
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first, second] = args;
  if (typeof first === 'number' && typeof second !== 'string') {
    args.splice(1, 0, host);
  } else if (first && typeof first === 'object' && first.port !== undefined && !first.host) {
    args[0] = { ...first, host };
  }
  return listen.apply(this, args);
};
