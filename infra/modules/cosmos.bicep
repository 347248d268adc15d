// Cosmos DB (NoSQL) with autoscale throughput (docs/capacity.md says why), keys off: the app uses its identity.
param location string
param tags object
param name string
@description('Enabled, or Disabled to allow private endpoints only.')
@allowed(['Enabled', 'Disabled'])
param publicNetworkAccess string = 'Enabled'
@description('Autoscale maximum RU/s of the reports container: 60,000 for election night (docs/capacity.md); it idles at a tenth of it.')
param reportsMaxThroughput int = 60000

@description('Autoscale maximum RU/s of the correlations container: ~36 RU per report at 3 keys (docs/capacity.md); idles at a tenth.')
param correlationsMaxThroughput int = 40000

@description('Autoscale maximum RU/s of the taxii container: one write per report and agency at routing, and the agencies\' polling (docs/capacity.md).')
param taxiiMaxThroughput int = 30000

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    locations: [{ locationName: location, failoverPriority: 0, isZoneRedundant: false }]
    disableLocalAuth: true
    publicNetworkAccess: publicNetworkAccess
    minimalTlsVersion: 'Tls12'
    backupPolicy: { type: 'Continuous', continuousModeProperties: { tier: 'Continuous30Days' } }
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: account
  name: 'elections'
  properties: { resource: { id: 'elections' } }
}

// Reports by /id: election-night writes spread evenly. The package's one query per election filters on
// electionId and orders by id, an addendum also on receivedAt, the timer's change check and reconciliation on
// _ts, the overdue-acknowledgement check on nextAlertAt, the Election Day Watch on receivedAt; the rest of the document is
// never queried, so it is not indexed (InfrastructureTests checks every path ReportStore's queries use is here).
resource reports 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: database
  name: 'reports'
  properties: {
    options: { autoscaleSettings: { maxThroughput: reportsMaxThroughput } }
    resource: {
      id: 'reports'
      partitionKey: { paths: ['/id'], kind: 'Hash' }
      indexingPolicy: {
        indexingMode: 'consistent'
        includedPaths: [{ path: '/id/?' }, { path: '/electionId/?' }, { path: '/status/?' }, { path: '/receivedAt/?' }, { path: '/_ts/?' }, { path: '/nextAlertAt/?' }]
        excludedPaths: [{ path: '/*' }]
      }
    }
  }
}

// Package state, one small document per election.
resource packages 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: database
  name: 'packages'
  properties: {
    options: { autoscaleSettings: { maxThroughput: 1000 } }
    resource: {
      id: 'packages'
      partitionKey: { paths: ['/electionId'], kind: 'Hash' }
    }
  }
}

// Correlation keys (issue 18): one document per key, partitioned by its hash, written and read by point operations
// only (routing), never queried; only id is indexed.
resource correlations 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: database
  name: 'correlations'
  properties: {
    options: { autoscaleSettings: { maxThroughput: correlationsMaxThroughput } }
    resource: {
      id: 'correlations'
      partitionKey: { paths: ['/id'], kind: 'Hash' }
      indexingPolicy: {
        indexingMode: 'consistent'
        includedPaths: [{ path: '/id/?' }]
        excludedPaths: [{ path: '/*' }]
      }
    }
  }
}

// TAXII 2.1 (issue 19): each collection's objects over 16 partitions ("{collection}|{shard}"), each partner's push statuses in
// "status:{partner}" (with a 7-day ttl; entries have none); a page is one query over a collection's partitions ordered by seq,
// so only what it filters and orders on is indexed.
resource taxii 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: database
  name: 'taxii'
  properties: {
    options: { autoscaleSettings: { maxThroughput: taxiiMaxThroughput } }
    resource: {
      id: 'taxii'
      partitionKey: { paths: ['/pk'], kind: 'Hash' }
      defaultTtl: -1
      indexingPolicy: {
        indexingMode: 'consistent'
        includedPaths: [{ path: '/collection/?' }, { path: '/seq/?' }, { path: '/objectIds/[]/?' }, { path: '/types/[]/?' }]
        excludedPaths: [{ path: '/*' }]
      }
    }
  }
}

output name string = account.name
output endpoint string = account.properties.documentEndpoint
