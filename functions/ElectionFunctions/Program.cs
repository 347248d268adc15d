using ElectionFunctions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Configuration.AddElectionSettingsDefaults();
builder.Services.AddElectionFunctions(builder.Configuration);
builder.Build().Run();
