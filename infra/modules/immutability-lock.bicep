// Locks the submissions container's time-based retention policy (parameter submissionsImmutability=Lock). A
// locked policy can only be extended, never shortened or removed, not even by the subscription's owner:
// docs/deploy.md says when to lock. Azure offers locking only as an action (POST .../lock with the policy's
// ETag), so a deployment script runs it, under an identity of its own that exists for this alone.
param location string
param tags object
param name string
param storageAccountName string

var storageAccountContributor = '17d1049b-9a84-46fb-8f53-869881c3d3ab'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource lockIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

resource lockRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, lockIdentity.id, storageAccountContributor)
  properties: {
    principalId: lockIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageAccountContributor)
  }
}

resource lock 'Microsoft.Resources/deploymentScripts@2023-08-01' = {
  name: 'lock-submissions-${storageAccountName}'
  location: location
  tags: tags
  kind: 'AzureCLI'
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${lockIdentity.id}': {} } }
  properties: {
    azCliVersion: '2.61.0'
    retentionInterval: 'PT1H'
    timeout: 'PT30M'
    cleanupPreference: 'OnSuccess'
    environmentVariables: [
      { name: 'ACCOUNT', value: storage.name }
      { name: 'GROUP', value: resourceGroup().name }
    ]
    // Idempotent: a policy already locked is left as it is. The role assignment can take minutes to reach the
    // storage resource provider, so the first reads are retried.
    scriptContent: '''
      set -e
      for attempt in $(seq 1 20); do
        state=$(az storage container immutability-policy show --account-name "$ACCOUNT" -g "$GROUP" -c submissions --query state -o tsv) && break
        sleep 30
      done
      if [ "$state" != "Locked" ]; then
        etag=$(az storage container immutability-policy show --account-name "$ACCOUNT" -g "$GROUP" -c submissions --query etag -o tsv)
        az storage container immutability-policy lock --account-name "$ACCOUNT" -g "$GROUP" -c submissions --if-match "$etag"
      fi
    '''
  }
  dependsOn: [lockRole]
}
