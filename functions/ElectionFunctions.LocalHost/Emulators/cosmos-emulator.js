#!/usr/bin/env node
// Launcher for @vercel/cosmosdb-server so the .NET Cosmos SDK can use it.
// 1. The .NET SDK on Linux asks the gateway for a query plan (it has no native query engine here).
//    The emulator does not know that request; we answer with a pass-through plan over the one
//    partition key range it exposes, so cross-partition queries work.
// 2. Keep-alive on: the emulator closes every connection by default, and the SDK then pays a TLS
//    handshake per request (writes run at ~150/s).
// 3. A missing document: the emulator's read handler throws and answers 500. We answer 404
//    NotFound like Cosmos DB does.
// 4. An outage switch for the fault tests: a line "down" on stdin closes the port and drops every
//    connection, "up" listens again with the same data. The emulator keeps its data only in memory, so
//    stopping its process would lose it, which an outage of Cosmos DB never does; this is the outage a
//    client sees.
"use strict";

const readDocument = require("@vercel/cosmosdb-server/lib/handler/read-document");
const partitionHeader = require("@vercel/cosmosdb-server/lib/utils/get-partition-from-header");

// Must be patched before the routes module captures the handler.
const originalRead = readDocument.default;
readDocument.default = (account, req, res, params) => {
  const collection = account.database(params.dbId).collection(params.collId);
  if (collection.read()) {
    const header = partitionHeader.default(req);
    const key = header ? partitionHeader.parsePartitionKey(header, params.docId) : params.docId;
    if (!collection.document(params.docId, key).read()) {
      res.statusCode = 404;
      return { code: "NotFound", message: "Entity with the specified id does not exist in the system." };
    }
  }
  return originalRead(account, req, res, params);
};

const { createHttpsServer } = require("@vercel/cosmosdb-server");

const passThroughPlan = JSON.stringify({
  partitionedQueryExecutionInfoVersion: 2,
  queryInfo: {
    distinctType: "None",
    top: null,
    offset: null,
    limit: null,
    orderBy: [],
    orderByExpressions: [],
    groupByExpressions: [],
    groupByAliases: [],
    aggregates: [],
    groupByAliasToAggregateType: {},
    rewrittenQuery: "",
    hasSelectValue: false,
    dCountInfo: null,
    hasNonStreamingOrderBy: false
  },
  queryRanges: [{ min: "", max: "FF", isMinInclusive: true, isMaxInclusive: false }]
});

function argument(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const host = argument("--host", "127.0.0.1");
const port = parseInt(argument("--port", "8081"), 10);

const server = createHttpsServer({ keepAlive: true });
const emulator = server.listeners("request")[0];
server.removeAllListeners("request");
server.keepAliveTimeout = 120000;
server.on("request", (req, res) => {
  const flag = req.headers["x-ms-cosmos-is-query-plan-request"];
  if (flag && String(flag).toLowerCase() === "true") {
    res.statusCode = 200;
    res.setHeader("content-type", "application/json");
    res.setHeader("x-ms-request-charge", "0");
    res.setHeader("x-ms-activity-id", require("crypto").randomUUID());
    res.end(passThroughPlan);
    return;
  }
  emulator(req, res);
});

// The emulator creates its (in-memory) account on every "listening" event: keep the first one, so
// that "up" after "down" finds the data it held.
server.once("listening", () => server.removeAllListeners("listening"));

const sockets = new Set();
server.on("connection", socket => {
  sockets.add(socket);
  socket.on("close", () => sockets.delete(socket));
});

function listen() {
  server.listen(port, host, () => {
    const address = server.address();
    console.log(`cosmos emulator ready on https://${address.address}:${address.port}`);
  });
}

listen();
let pending = "";
process.stdin.on("data", chunk => {
  pending += chunk;
  let newline;
  while ((newline = pending.indexOf("\n")) >= 0) {
    const command = pending.slice(0, newline).trim();
    pending = pending.slice(newline + 1);
    if (command === "down" && server.listening) {
      server.close();
      for (const socket of sockets) socket.destroy();
      console.log("cosmos emulator down");
    } else if (command === "up" && !server.listening) {
      listen();
    }
  }
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => process.exit(0));
}
