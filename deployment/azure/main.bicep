// The préfecture orientation bot on Azure: an Azure Bot (Bot Service) with the Direct Line
// and Teams channels, a Linux App Service plan running two instances of the container image,
// and Azure Database for PostgreSQL Flexible Server shared by the instances.
//
//   az group create --name rg-prefecture-bot --location francecentral
//   az deployment group create --resource-group rg-prefecture-bot \
//     --template-file deployment/azure/main.bicep \
//     --parameters @deployment/azure/main.parameters.json \
//     --parameters microsoftAppPassword='<client secret>' \
//                  containerRegistryPassword='<registry password>' \
//                  postgresAdminPassword="Pg1-$(openssl rand -hex 24)" \
//                  directLineSecret="$(openssl rand -hex 32)" \
//                  metricsToken="$(openssl rand -hex 32)"
//
// (main.parameters.json: a copy of main.parameters.example.json with your values; the secure
// parameters are given on the command line as above, never written in that file.)
//
// Keep the generated secrets (a redeployment must pass the same DIRECT_LINE_SECRET, or the
// tokens and sessions in use stop working). Not compiled in this repository (no az CLI
// there): run `az bicep build --file deployment/azure/main.bicep` before the first use.
// Lines marked "VERIFY" rest on platform behaviour to check on the target subscription.

targetScope = 'resourceGroup'

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

@description('Azure region of the App Service plan, the web app and the database.')
param location string = resourceGroup().location

@description('Lowercase prefix of every resource name; a suffix derived from the resource group makes the names globally unique.')
@minLength(3)
@maxLength(12)
param namePrefix string = 'prefbot'

@description('The container image built from deployment/docker/Dockerfile, e.g. myregistry.azurecr.io/prefecture-bot:1.0.0.')
param containerImage string

@description('Registry server of a private image, e.g. https://myregistry.azurecr.io; empty for a public image.')
param containerRegistryUrl string = ''

@description('Registry user name (for Azure Container Registry: the admin user or a token name); empty for a public image.')
param containerRegistryUsername string = ''

@description('Registry password.')
@secure()
param containerRegistryPassword string = ''

@description('App Service plan SKU (Linux). P0v3 and above suit production; B1 works for a trial.')
param appServiceSkuName string = 'P0v3'

@description('Number of instances of the web app (several need PostgreSQL, which this template provides).')
@minValue(1)
@maxValue(10)
param instanceCount int = 2

@description('Public host name of the service. Empty: the web app\'s default {name}.azurewebsites.net. For a custom domain, bind it (with its certificate) to the web app first, then redeploy with its name.')
param publicHostName string = ''

@description('The bot\'s Entra ID application (client) id.')
param microsoftAppId string

@description('The application\'s client secret.')
@secure()
param microsoftAppPassword string

@description('SingleTenant for a new registration (Azure no longer creates multi-tenant bots); MultiTenant only for an existing multi-tenant registration.')
@allowed([
  'SingleTenant'
  'MultiTenant'
])
param microsoftAppType string = 'SingleTenant'

@description('Entra ID tenant of the application; also the only tenant whose agents and editors may act.')
param microsoftAppTenantId string = subscription().tenantId

@description('global, or westeurope for a bot whose data stays in Europe (then the Direct Line endpoint is the European one). VERIFY the regions offered to your subscription.')
@allowed([
  'global'
  'westeurope'
])
param botLocation string = 'global'

@description('Bot Service pricing tier (F0 free, S1 standard).')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('local: the service itself is the website\'s Direct Line; azure: the page uses the Azure Direct Line channel created here (then directLineSecret must be that channel\'s secret).')
@allowed([
  'local'
  'azure'
])
param directLineMode string = 'local'

@description('DIRECT_LINE_SECRET, shared by the instances (16 characters at least). In azure mode, the secret of the Direct Line channel\'s site (Azure portal > the bot > Channels > Direct Line).')
@secure()
@minLength(16)
param directLineSecret string

@description('METRICS_TOKEN: bearer token required on /metrics, which App Service exposes publicly.')
@secure()
@minLength(16)
param metricsToken string

@description('Administrator login of the PostgreSQL server (also the bot\'s connection user here).')
param postgresAdminLogin string = 'prefbotadmin'

@description('Administrator password of the PostgreSQL server: 8 to 128 characters from three of upper case, lower case, digits and symbols (e.g. Pg1- followed by openssl rand -hex 24).')
@secure()
@minLength(12)
param postgresAdminPassword string

@description('PostgreSQL major version.')
@allowed([
  '15'
  '16'
])
param postgresVersion string = '15'

@description('PostgreSQL compute SKU and tier (Burstable B1ms for a small préfecture; GeneralPurpose D2ds_v5 for more).')
param postgresSkuName string = 'Standard_B1ms'

@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param postgresSkuTier string = 'Burstable'

@description('PostgreSQL storage, in GiB.')
param postgresStorageGb int = 32

@description('Name of the bot\'s database.')
param databaseName string = 'prefecture_bot'

@description('AGENT_HOURS: agents\' weekly hours as JSON; empty: the main site\'s opening hours.')
param agentHours string = ''

@description('AGENT_ACCOUNTS: local console accounts as JSON (hashes from npm run agent-hash); empty: Teams sign-in only.')
@secure()
param agentAccounts string = ''

@description('EDITOR_ACCOUNTS: local editor accounts as JSON; empty: Teams sign-in only.')
@secure()
param editorAccounts string = ''

@description('CONSOLE_ENTRA_ROLE: the app role agents must hold when signing in to the console from Teams.')
param consoleEntraRole string = 'Handoff.Agent'

@description('EDITOR_ENTRA_ROLE: the app role editors must hold when signing in from Teams.')
param editorEntraRole string = 'Knowledge.Editor'

@description('TEAMS_TEAM_ID: the agents\' team; empty: the team the app is installed in.')
param teamsTeamId string = ''

@description('TEAMS_AGENTS_CHANNEL_ID: the channel of the request cards; empty: the team\'s General channel.')
param teamsAgentsChannelId string = ''

@description('TOKEN_RATE_PER_MINUTE: new chat conversations a minute per visitor (App Service front ends add the visitor\'s address to X-Forwarded-For; TRUST_PROXY=1 reads it).')
param tokenRatePerMinute int = 20

@description('LOG_LEVEL')
@allowed([
  'debug'
  'info'
  'warn'
  'error'
])
param logLevel string = 'info'

// ---------------------------------------------------------------------------------------------
// Names and derived values
// ---------------------------------------------------------------------------------------------

var suffix = uniqueString(resourceGroup().id)
var planName = '${namePrefix}-plan-${suffix}'
var webAppName = '${namePrefix}-${suffix}'
var botName = '${namePrefix}-bot-${suffix}'
var postgresServerName = '${namePrefix}-pg-${suffix}'

// VERIFY: the classic default host name; a web app created with a "unique default hostname"
// scope gets another one (then pass publicHostName).
var publicHost = empty(publicHostName) ? '${webAppName}.azurewebsites.net' : publicHostName
var publicUrl = 'https://${publicHost}'

// VERIFY: the European Direct Line endpoint of a bot created in westeurope.
var azureDirectLineDomain = botLocation == 'westeurope' ? 'https://europe.directline.botframework.com/v3/directline' : ''

// node-postgres checks the server certificate with sslmode=require (Azure's chains to a root
// Node.js trusts); the password is URL-encoded.
var databaseUrl = 'postgres://${postgresAdminLogin}:${uriComponent(postgresAdminPassword)}@${postgres.properties.fullyQualifiedDomainName}:5432/${databaseName}?sslmode=require'

var registrySettings = empty(containerRegistryUsername) ? [] : [
  {
    name: 'DOCKER_REGISTRY_SERVER_URL'
    value: containerRegistryUrl
  }
  {
    name: 'DOCKER_REGISTRY_SERVER_USERNAME'
    value: containerRegistryUsername
  }
  {
    name: 'DOCKER_REGISTRY_SERVER_PASSWORD'
    value: containerRegistryPassword
  }
]

// Every setting the service needs (deployment/env.example describes them all). The secrets
// could move to Key Vault references (@Microsoft.KeyVault(SecretUri=...)) with a managed
// identity.
var botSettings = [
  // App Service: the container listens on 3978; no /home share (state is in PostgreSQL).
  {
    name: 'WEBSITES_PORT'
    value: '3978'
  }
  {
    name: 'WEBSITES_ENABLE_APP_SERVICE_STORAGE'
    value: 'false'
  }
  {
    name: 'PORT'
    value: '3978'
  }
  {
    name: 'LOG_LEVEL'
    value: logLevel
  }
  {
    name: 'METRICS_TOKEN'
    value: metricsToken
  }
  // Bot Framework.
  {
    name: 'MicrosoftAppId'
    value: microsoftAppId
  }
  {
    name: 'MicrosoftAppPassword'
    value: microsoftAppPassword
  }
  {
    name: 'MicrosoftAppType'
    value: microsoftAppType
  }
  {
    name: 'MicrosoftAppTenantId'
    value: microsoftAppTenantId
  }
  // Storage: every store in PostgreSQL, the instances coordinating through LISTEN/NOTIFY.
  {
    name: 'DATABASE_URL'
    value: databaseUrl
  }
  {
    name: 'DATA_DIR'
    value: '/var/lib/prefecture-bot'
  }
  {
    name: 'KB_WATCH'
    value: 'false'
  }
  // Direct Line and the website.
  {
    name: 'PUBLIC_URL'
    value: publicUrl
  }
  {
    name: 'DIRECT_LINE_MODE'
    value: directLineMode
  }
  {
    name: 'DIRECT_LINE_SECRET'
    value: directLineSecret
  }
  {
    name: 'AZURE_DIRECT_LINE_DOMAIN'
    value: azureDirectLineDomain
  }
  {
    name: 'TOKEN_RATE_PER_MINUTE'
    value: string(tokenRatePerMinute)
  }
  {
    name: 'TRUST_PROXY'
    value: '1'
  }
  // Agents and Teams (TEAMS_TENANT_ID defaults to MicrosoftAppTenantId).
  {
    name: 'AGENT_HOURS'
    value: agentHours
  }
  {
    name: 'AGENT_ACCOUNTS'
    value: agentAccounts
  }
  {
    name: 'CONSOLE_ENTRA_ROLE'
    value: consoleEntraRole
  }
  {
    name: 'TEAMS_TEAM_ID'
    value: teamsTeamId
  }
  {
    name: 'TEAMS_AGENTS_CHANNEL_ID'
    value: teamsAgentsChannelId
  }
  // Knowledge editor.
  {
    name: 'EDITOR_ACCOUNTS'
    value: editorAccounts
  }
  {
    name: 'EDITOR_ENTRA_ROLE'
    value: editorEntraRole
  }
]

// ---------------------------------------------------------------------------------------------
// PostgreSQL Flexible Server
// ---------------------------------------------------------------------------------------------

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: postgresServerName
  location: location
  sku: {
    name: postgresSkuName
    tier: postgresSkuTier
  }
  properties: {
    version: postgresVersion
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    authConfig: {
      activeDirectoryAuth: 'Disabled'
      passwordAuth: 'Enabled'
    }
    storage: {
      storageSizeGB: postgresStorageGb
    }
    backup: {
      backupRetentionDays: 14
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    // Public endpoint restricted by the firewall rule below. For a private network, use
    // VNet integration of the web app and a delegated subnet here instead.
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// 0.0.0.0 to 0.0.0.0 means "allow connections from Azure services": the web app's outbound
// addresses are among them, but so are other Azure customers' (the password still applies).
resource allowAzureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: postgres
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

// ---------------------------------------------------------------------------------------------
// App Service: a Linux plan with two instances, the web app running the container
// ---------------------------------------------------------------------------------------------

resource plan 'Microsoft.Web/serverfarms@2022-09-01' = {
  name: planName
  location: location
  kind: 'linux'
  sku: {
    name: appServiceSkuName
    capacity: instanceCount
  }
  properties: {
    reserved: true // Linux
  }
}

resource webApp 'Microsoft.Web/sites@2022-09-01' = {
  name: webAppName
  location: location
  kind: 'app,linux,container'
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // No ARR affinity cookie: the instances share PostgreSQL, no sticky sessions needed.
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: 'DOCKER|${containerImage}'
      alwaysOn: true
      // Direct Line streams (/v3/directline/conversations/{id}/stream).
      webSocketsEnabled: true
      // An instance answering 503 (database unreachable, no knowledge revision, stopping)
      // is taken out of the load balancer until it answers 200 again.
      healthCheckPath: '/api/ready'
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat(botSettings, registrySettings)
    }
  }
  dependsOn: [
    database
    allowAzureServices
  ]
}

// ---------------------------------------------------------------------------------------------
// Azure Bot: the registration Bot Framework and Teams use, with its channels
// ---------------------------------------------------------------------------------------------

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botName
  location: botLocation
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: 'Assistant d\'orientation de la préfecture'
    endpoint: '${publicUrl}/api/messages'
    msaAppId: microsoftAppId
    msaAppType: microsoftAppType
    msaAppTenantId: microsoftAppType == 'SingleTenant' ? microsoftAppTenantId : ''
  }
}

// Web Chat through Azure's Direct Line (used when directLineMode is azure; the built-in
// channel of the service needs nothing here).
resource directLine 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'DirectLineChannel'
  location: botLocation
  properties: {
    channelName: 'DirectLineChannel'
    properties: {
      sites: [
        {
          siteName: 'Default Site'
          isEnabled: true
          isV1Enabled: false
          isV3Enabled: true
          isSecureSiteEnabled: false
        }
      ]
    }
  }
}

// Microsoft Teams: the agents' team and the personal tabs (console, editor).
resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: botLocation
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      enableCalling: false
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Outputs (no secrets)
// ---------------------------------------------------------------------------------------------

@description('PUBLIC_URL of the service; also the value to pass to npm run teams-package.')
output publicUrl string = publicUrl

@description('The bot\'s messaging endpoint, as registered in the Azure Bot.')
output messagingEndpoint string = '${publicUrl}/api/messages'

@description('Application ID URI to set in the app registration (Expose an API) for the Teams sign-in of the console and editor.')
output applicationIdUri string = 'api://${publicHost}/${microsoftAppId}'

@description('Default host name of the web app (bind a custom domain to it if wanted).')
output webAppDefaultHostName string = webApp.properties.defaultHostName

output webAppName string = webApp.name
output botName string = bot.name
output postgresServerFqdn string = postgres.properties.fullyQualifiedDomainName
