// The agency queues. Duplicate detection keys on MessageId ({reportId}:{agency}); messages that expire
// or fail too often dead-letter instead of disappearing.
param location string
param tags object
param name string
@description('Enabled, or Disabled to allow private endpoints only.')
@allowed(['Enabled', 'Disabled'])
param publicNetworkAccess string = 'Enabled'
param agencies array
@description('Standard most of the year; Premium with 2 messaging units for election night (docs/capacity.md).')
@allowed(['Standard', 'Premium'])
param sku string = 'Standard'
@description('Premium messaging units.')
param capacity int = 2

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: name
  location: location
  tags: tags
  sku: sku == 'Premium' ? { name: 'Premium', tier: 'Premium', capacity: capacity } : { name: 'Standard', tier: 'Standard' }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: publicNetworkAccess
  }
}

resource queues 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = [for agency in agencies: {
  parent: namespace
  name: agency
  properties: {
    requiresDuplicateDetection: true
    // A route retry comes within minutes; a day covers any redelivery of the same report to the same agency.
    duplicateDetectionHistoryTimeWindow: 'P1D'
    // Agencies read within the 45-day window; after that a message is evidence of a consumer that stopped.
    defaultMessageTimeToLive: 'P45D'
    deadLetteringOnMessageExpiration: true
    // Ten attempts before the dead-letter queue: a consumer's transient failures retry, a poison message stops.
    maxDeliveryCount: 10
    // Long enough to fetch a claim-check blob and store the message; consumers renew for longer work.
    lockDuration: 'PT2M'
    maxSizeInMegabytes: 5120
  }
}]

output name string = namespace.name
output id string = namespace.id
// Host name of the endpoint (https://<name>.servicebus.windows.net:443/), without hard-coding the cloud's suffix.
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
