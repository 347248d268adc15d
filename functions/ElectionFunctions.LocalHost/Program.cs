using ElectionFunctions.LocalHost;

if (args is ["token", ..])
{
    var configuration = new ConfigurationManager();
    LocalHostApp.Configure(configuration);
    configuration.AddEnvironmentVariables();
    return DevelopmentTokens.Print(args, configuration);
}

// make run with the real runtime: host <name> <script root> <command> [arguments…]
if (args is ["host", var name, var scriptRoot, .. var command] && command.Length > 0)
    return await FunctionsHostRunner.RunAsync(name, Path.GetFullPath(scriptRoot), command, CancellationToken.None);

var (app, emulators) = await LocalHostApp.BuildAsync(args, overrides: null, CancellationToken.None);
await using (emulators)
{
    await app.StartAsync();
    Console.WriteLine($"""

        ElectionFunctions: the local host (the handlers on Kestrel, not the Functions runtime) listening on {string.Join(", ", app.Urls)}
          routes:   POST /api/reports   GET /api/reports/{"{reportId}"}   POST /api/elections/{"{electionId}"}/package
                    TAXII 2.1 under /taxii2/ (docs/taxii.md): make token PARTNER=dhs-app ROLES="Agency.DHS" for an agency
          token:    make token            (partner demo-partner, roles Reports.Submit Reports.Read)
                    make token PARTNER=x ROLES="Packages.Compile"
          storage:  {app.Configuration["AzureWebJobsStorage"]}
          cosmos:   {app.Configuration["Cosmos:Endpoint"]}
          Ctrl-C stops the host and the emulators.

        """);
    await app.WaitForShutdownAsync();
}
return 0;
