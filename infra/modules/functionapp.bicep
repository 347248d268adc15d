// The Function App on the Flex Consumption plan (.NET isolated, 10.0), with identity-based connections only.
param location string
param tags object
param planName string
param appName string
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerUrl string
param applicationInsightsConnectionString string
param cosmosEndpoint string
param serviceBusNamespace string
param entraInstance string
param entraTenantId string
param entraClientId string
@description('Largest number of instances the plan scales to (docs/capacity.md).')
param maximumInstanceCount int = 100
@description('Memory per instance, in MB.')
param instanceMemoryMB int = 2048
@description('Partner registry: client id -> { displayName, kind, state, requestsPerSecond?, burst? }.')
param partners object = {}
@description('Subnet (delegated to Microsoft.App/environments) the app joins to reach private endpoints; empty: none.')
param virtualNetworkSubnetId string = ''
@description('Requests per second and burst per partner (RateLimit section; per instance, README "Rate limits").')
param rateLimitPerSecond int = 100
param rateLimitBurst int = 500

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

// A partner's own request limit (requestsPerSecond, burst) only when given: the app then uses RateLimit__*.
var partnerSettings = flatten(map(items(partners), p => concat([
  { name: 'Partners__Registry__${p.key}__DisplayName', value: p.value.displayName }
  { name: 'Partners__Registry__${p.key}__Kind', value: p.value.kind }
  { name: 'Partners__Registry__${p.key}__State', value: p.value.?state ?? '' }
], p.value.?requestsPerSecond == null ? [] : [
  { name: 'Partners__Registry__${p.key}__RequestsPerSecond', value: string(p.value.requestsPerSecond) }
], p.value.?burst == null ? [] : [
  { name: 'Partners__Registry__${p.key}__Burst', value: string(p.value.burst) }
])))

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: maximumInstanceCount, instanceMemoryMB: instanceMemoryMB }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      // Every setting the app reads (the same names as local.settings.sample.json; a test keeps them equal).
      appSettings: concat([
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        { name: 'AzureWebJobsStorage__blobServiceUri', value: 'https://${storageAccountName}.blob.${environment().suffixes.storage}' }
        { name: 'AzureWebJobsStorage__queueServiceUri', value: 'https://${storageAccountName}.queue.${environment().suffixes.storage}' }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsightsConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
        { name: 'Cosmos__Endpoint', value: cosmosEndpoint }
        { name: 'Cosmos__clientId', value: identityClientId }
        { name: 'Cosmos__Database', value: 'elections' }
        { name: 'Cosmos__ReportsContainer', value: 'reports' }
        { name: 'Cosmos__PackagesContainer', value: 'packages' }
        { name: 'Cosmos__CorrelationsContainer', value: 'correlations' }
        { name: 'Cosmos__TaxiiContainer', value: 'taxii' }
        { name: 'Cosmos__CreateIfNotExists', value: 'false' }
        { name: 'Cosmos__QueryPageSize', value: '500' }
        { name: 'PackageSchedule', value: '0 0 6 * * *' }
        { name: 'ReconcileSchedule', value: '0 */5 * * * *' }
        { name: 'AcknowledgementSchedule', value: '0 * * * * *' }
        { name: 'Reconciliation__StuckAfter', value: '00:10:00' }
        { name: 'Routing__Transport', value: 'ServiceBus' }
        { name: 'ServiceBusConnection__fullyQualifiedNamespace', value: serviceBusNamespace }
        { name: 'ServiceBusConnection__clientId', value: identityClientId }
        { name: 'Intake__MaxBodyBytes', value: '1048576' }
        { name: 'Intake__MaxDocumentBytes', value: '1600000' }
        { name: 'RateLimit__RequestsPerSecond', value: string(rateLimitPerSecond) }
        { name: 'RateLimit__Burst', value: string(rateLimitBurst) }
        { name: 'AzureAd__Instance', value: entraInstance }
        { name: 'AzureAd__TenantId', value: entraTenantId }
        { name: 'AzureAd__ClientId', value: entraClientId }
      ], partnerSettings)
    }
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
