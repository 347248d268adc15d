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
// _ts; the rest of the document is never queried, so it is not indexed.
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
        includedPaths: [{ path: '/id/?' }, { path: '/electionId/?' }, { path: '/status/?' }, { path: '/receivedAt/?' }, { path: '/_ts/?' }]
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

output name string = account.name
output endpoint string = account.properties.documentEndpoint
