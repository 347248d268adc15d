// ElectionFunctions: the EO 13848 back end. One resource group, identity-based everything, no secrets.
// azd up, or: az deployment group create -g <rg> -f infra/main.bicep -p infra/main.parameters.json
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(20)
@description('Environment name (azd); part of every resource name.')
param environmentName string

@description('Region for every resource.')
param location string = resourceGroup().location

@description('Entra ID tenant of the API app registration that partners get tokens for.')
param entraTenantId string = tenant().tenantId

@description('Application (client) id of the API app registration (docs/deploy.md).')
param entraClientId string

@description('Object ids of the agencies\' principals (enterprise applications) that read their queues; empty until known.')
param odniPrincipalId string = ''
param dhsPrincipalId string = ''
param dojPrincipalId string = ''
param treasuryPrincipalId string = ''

@description('Partner registry: client id -> { displayName, kind, state }.')
param partners object = {}

@description('Largest number of Function App instances (docs/capacity.md).')
param maximumInstanceCount int = 100

@description('Autoscale maximum RU/s of the reports container (docs/capacity.md).')
param reportsMaxThroughput int = 60000

@description('Service Bus tier: Premium (2 messaging units) for election night (docs/capacity.md).')
@allowed(['Standard', 'Premium'])
param serviceBusSku string = 'Standard'

var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = { 'azd-env-name': environmentName, workload: 'electionfunctions' }
var agencies = ['odni', 'dhs', 'doj', 'treasury']

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: { location: location, tags: tags, name: 'id-ef-${token}' }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: { location: location, tags: tags, logAnalyticsName: 'log-ef-${token}', applicationInsightsName: 'appi-ef-${token}' }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: { location: location, tags: tags, name: 'stef${token}', agencies: agencies }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: { location: location, tags: tags, name: 'sb-ef-${token}', agencies: agencies, sku: serviceBusSku }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: { location: location, tags: tags, name: 'cosmos-ef-${token}', reportsMaxThroughput: reportsMaxThroughput }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  params: {
    appPrincipalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    serviceBusName: serviceBus.outputs.name
    cosmosAccountName: cosmos.outputs.name
    agencyPrincipals: { odni: odniPrincipalId, dhs: dhsPrincipalId, doj: dojPrincipalId, treasury: treasuryPrincipalId }
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    tags: tags
    planName: 'plan-ef-${token}'
    appName: 'func-ef-${token}'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    cosmosEndpoint: cosmos.outputs.endpoint
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    entraInstance: environment().authentication.loginEndpoint
    entraTenantId: entraTenantId
    entraClientId: entraClientId
    partners: partners
    maximumInstanceCount: maximumInstanceCount
  }
}

output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output API_URL string = 'https://${functionApp.outputs.defaultHostName}/api'
output SERVICE_BUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output STORAGE_ACCOUNT string = storage.outputs.name
