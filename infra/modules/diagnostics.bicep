// Data-plane audit logs to Log Analytics: who read, wrote or deleted what, on Blob and Queue storage, Cosmos DB
// and Service Bus, and the Function App's own logs.
param logAnalyticsName string
param storageAccountName string
param cosmosAccountName string
param serviceBusName string
param serviceBusSku string
param functionAppName string

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsName
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' existing = {
  name: cosmosAccountName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' existing = {
  name: serviceBusName
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

var storageLogs = [
  { category: 'StorageRead', enabled: true }
  { category: 'StorageWrite', enabled: true }
  { category: 'StorageDelete', enabled: true }
]

resource blobAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: blobService
  name: 'audit'
  properties: { workspaceId: workspace.id, logs: storageLogs }
}

resource queueAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: queueService
  name: 'audit'
  properties: { workspaceId: workspace.id, logs: storageLogs }
}

resource cosmosAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: cosmos
  name: 'audit'
  properties: {
    workspaceId: workspace.id
    // Resource-specific tables (CDBDataPlaneRequests, ...) rather than the shared AzureDiagnostics table.
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      { category: 'DataPlaneRequests', enabled: true }
      { category: 'ControlPlaneRequests', enabled: true }
    ]
  }
}

// RuntimeAuditLogs (every send and receive, with the caller's identity) exist on Premium namespaces only.
resource serviceBusAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: serviceBus
  name: 'audit'
  properties: {
    workspaceId: workspace.id
    logs: concat([{ category: 'OperationalLogs', enabled: true }], serviceBusSku == 'Premium' ? [{ category: 'RuntimeAuditLogs', enabled: true }] : [])
  }
}

resource functionAppLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: functionApp
  name: 'audit'
  properties: { workspaceId: workspace.id, logs: [{ category: 'FunctionAppLogs', enabled: true }] }
}
