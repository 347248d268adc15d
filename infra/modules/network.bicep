// Private networking (parameter privateEndpoints): a virtual network whose 'app' subnet the Function App joins
// (Flex Consumption VNet integration) and whose 'endpoints' subnet holds a private endpoint for Blob, Queue,
// Cosmos DB and Service Bus, each with its privatelink DNS zone linked to the network.
param location string
param tags object
param name string
param addressPrefix string
param storageAccountName string
param cosmosAccountName string
param serviceBusName string

var appSubnet = cidrSubnet(addressPrefix, 24, 0)
var endpointSubnet = cidrSubnet(addressPrefix, 24, 1)

resource vnet 'Microsoft.Network/virtualNetworks@2024-01-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [addressPrefix] }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: appSubnet
          delegations: [{ name: 'flex', properties: { serviceName: 'Microsoft.App/environments' } }]
        }
      }
      {
        name: 'endpoints'
        properties: { addressPrefix: endpointSubnet, privateEndpointNetworkPolicies: 'Disabled' }
      }
    ]
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' existing = {
  name: cosmosAccountName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' existing = {
  name: serviceBusName
}

// One endpoint per service and sub-resource; the zone names follow the cloud's suffixes where Bicep knows them.
var endpoints = [
  { name: 'blob', service: 'storage', group: 'blob', zone: 'privatelink.blob.${environment().suffixes.storage}' }
  { name: 'queue', service: 'storage', group: 'queue', zone: 'privatelink.queue.${environment().suffixes.storage}' }
  { name: 'cosmos', service: 'cosmos', group: 'Sql', zone: 'privatelink.documents.azure.com' }
  { name: 'servicebus', service: 'servicebus', group: 'namespace', zone: 'privatelink.servicebus.windows.net' }
]

resource zones 'Microsoft.Network/privateDnsZones@2020-06-01' = [for e in endpoints: {
  name: e.zone
  location: 'global'
  tags: tags
}]

resource links 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = [for (e, i) in endpoints: {
  parent: zones[i]
  name: '${name}-link'
  location: 'global'
  tags: tags
  properties: { virtualNetwork: { id: vnet.id }, registrationEnabled: false }
}]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2024-01-01' = [for e in endpoints: {
  name: 'pe-${e.name}-${name}'
  location: location
  tags: tags
  properties: {
    subnet: { id: vnet.properties.subnets[1].id }
    privateLinkServiceConnections: [{ name: e.name, properties: { privateLinkServiceId: e.service == 'storage' ? storage.id : e.service == 'cosmos' ? cosmos.id : serviceBus.id, groupIds: [e.group] } }]
  }
}]

resource dnsGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-01-01' = [for (e, i) in endpoints: {
  parent: privateEndpoints[i]
  name: 'default'
  properties: { privateDnsZoneConfigs: [{ name: e.name, properties: { privateDnsZoneId: zones[i].id } }] }
}]

output appSubnetId string = vnet.properties.subnets[0].id
