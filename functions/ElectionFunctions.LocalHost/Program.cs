using ElectionFunctions.LocalHost;

if (args is ["token", ..])
{
    var configuration = new ConfigurationManager();
    LocalHostApp.Configure(configuration);
    configuration.AddEnvironmentVariables();
    return DevelopmentTokens.Print(args, configuration);
}

var (app, emulators) = await LocalHostApp.BuildAsync(args, overrides: null, CancellationToken.None);
await using (emulators)
{
    await app.StartAsync();
    Console.WriteLine($"""

        ElectionFunctions local host listening on {string.Join(", ", app.Urls)}
          routes:   POST /api/reports   GET /api/reports/{"{reportId}"}   POST /api/elections/{"{electionId}"}/package
          token:    make token            (partner demo-partner, roles Reports.Submit Reports.Read)
                    make token PARTNER=x ROLES="Packages.Compile"
          storage:  {app.Configuration["AzureWebJobsStorage"]}
          cosmos:   {app.Configuration["Cosmos:Endpoint"]}
          Ctrl-C stops the host and the emulators.

        """);
    await app.WaitForShutdownAsync();
}
return 0;
