// Every role assignment, data plane only: the app's identity gets what the code uses; each agency's
// principal gets to receive from its own queue and read its own claim-check container, nothing else.
param appPrincipalId string
param storageAccountName string
param serviceBusName string
param cosmosAccountName string
param applicationInsightsName string
@description('Agency -> Entra ID object id of the principal that reads its queue (empty: none yet).')
param agencyPrincipals object

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  cosmosDataContributor: '00000000-0000-0000-0000-000000000002'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' existing = {
  name: serviceBusName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' existing = {
  name: cosmosAccountName
}

// Blob: Data Owner, because the Functions host needs it for an identity-based AzureWebJobsStorage (deployment
// package, timer and queue leases); the app itself writes submissions, packages and claim checks.
resource appBlob 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, appPrincipalId, roles.storageBlobDataOwner)
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
  }
}

resource appQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, appPrincipalId, roles.storageQueueDataContributor)
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
  }
}

resource appSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: serviceBus
  name: guid(serviceBus.id, appPrincipalId, roles.serviceBusDataSender)
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
  }
}

// Cosmos DB's own data-plane RBAC (built-in Data Contributor): read and write items, no control plane.
resource appCosmos 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: cosmos
  name: guid(cosmos.id, appPrincipalId, roles.cosmosDataContributor)
  properties: {
    principalId: appPrincipalId
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${roles.cosmosDataContributor}'
    scope: cosmos.id
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Application Insights has local authentication off: telemetry is accepted only from an identity with this role.
resource appTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: applicationInsights
  name: guid(applicationInsights.id, appPrincipalId, roles.monitoringMetricsPublisher)
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

resource agencyQueues 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' existing = [for agency in items(agencyPrincipals): {
  parent: serviceBus
  name: agency.key
}]

resource agencyReceivers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (agency, i) in items(agencyPrincipals): if (!empty(agency.value)) {
  scope: agencyQueues[i]
  name: guid(serviceBus.id, agency.key, agency.value, roles.serviceBusDataReceiver)
  properties: {
    principalId: agency.value
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataReceiver)
  }
}]

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource agencyContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = [for agency in items(agencyPrincipals): {
  parent: blobService
  name: 'agency-${agency.key}'
}]

resource agencyReaders 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (agency, i) in items(agencyPrincipals): if (!empty(agency.value)) {
  scope: agencyContainers[i]
  name: guid(storage.id, agency.key, agency.value, roles.storageBlobDataReader)
  properties: {
    principalId: agency.value
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataReader)
  }
}]
