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

@description('Public network access to Storage, Cosmos DB and Service Bus. Disabled implies privateEndpoints (docs/deploy.md).')
@allowed(['Enabled', 'Disabled'])
param publicNetworkAccess string = 'Enabled'

@description('Private endpoints for Storage (blob, queue), Cosmos DB and Service Bus, and the Function App in a virtual network. Service Bus is then Premium.')
param privateEndpoints bool = false

@description('Address space of the virtual network created when privateEndpoints is true (two /24 subnets are taken from it).')
param vnetAddressPrefix string = '10.40.0.0/16'

@description('The submissions container\'s retention policy: Unlocked (written on every deployment), Lock (write it, then lock it: irreversible) or Locked (already locked: left alone). docs/deploy.md says when to lock.')
@allowed(['Unlocked', 'Lock', 'Locked'])
param submissionsImmutability string = 'Unlocked'

var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = { 'azd-env-name': environmentName, workload: 'electionfunctions' }
var agencies = ['odni', 'dhs', 'doj', 'treasury']
// With public access closed the services are reachable only through private endpoints, so that implies them.
var usePrivateEndpoints = privateEndpoints || publicNetworkAccess == 'Disabled'
// Private endpoints and network rules on Service Bus need the Premium tier.
var serviceBusTier = usePrivateEndpoints ? 'Premium' : serviceBusSku

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
  params: {
    location: location
    tags: tags
    name: 'stef${token}'
    agencies: agencies
    publicNetworkAccess: publicNetworkAccess
    // A locked policy accepts no update: once locked, the template leaves it alone.
    writeImmutabilityPolicy: submissionsImmutability != 'Locked'
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: { location: location, tags: tags, name: 'sb-ef-${token}', agencies: agencies, sku: serviceBusTier, publicNetworkAccess: publicNetworkAccess }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: { location: location, tags: tags, name: 'cosmos-ef-${token}', reportsMaxThroughput: reportsMaxThroughput, publicNetworkAccess: publicNetworkAccess }
}

module network 'modules/network.bicep' = if (usePrivateEndpoints) {
  name: 'network'
  params: {
    location: location
    tags: tags
    name: 'vnet-ef-${token}'
    addressPrefix: vnetAddressPrefix
    storageAccountName: storage.outputs.name
    cosmosAccountName: cosmos.outputs.name
    serviceBusName: serviceBus.outputs.name
  }
}

module immutabilityLock 'modules/immutability-lock.bicep' = if (submissionsImmutability == 'Lock') {
  name: 'immutability-lock'
  params: { location: location, tags: tags, name: 'id-ef-lock-${token}', storageAccountName: storage.outputs.name }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  params: {
    appPrincipalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    serviceBusName: serviceBus.outputs.name
    cosmosAccountName: cosmos.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
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
    virtualNetworkSubnetId: usePrivateEndpoints ? network!.outputs.appSubnetId : ''
  }
}

module diagnostics 'modules/diagnostics.bicep' = {
  name: 'diagnostics'
  params: {
    logAnalyticsName: monitoring.outputs.logAnalyticsName
    storageAccountName: storage.outputs.name
    cosmosAccountName: cosmos.outputs.name
    serviceBusName: serviceBus.outputs.name
    serviceBusSku: serviceBusTier
    functionAppName: functionApp.outputs.name
  }
}

output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output API_URL string = 'https://${functionApp.outputs.defaultHostName}/api'
output SERVICE_BUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output STORAGE_ACCOUNT string = storage.outputs.name
