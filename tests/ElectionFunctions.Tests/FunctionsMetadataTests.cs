using System.Reflection;
using System.Text.Json;

namespace ElectionFunctions.Tests;

/// <summary>What the Functions host will bind in Azure, read from the metadata the Worker SDK generated at build.</summary>
public sealed class FunctionsMetadataTests
{
    private static readonly Dictionary<string, JsonElement> Functions = Load();

    private static Dictionary<string, JsonElement> Load()
    {
        var configuration = typeof(FunctionsMetadataTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var path = Path.Combine(TestPaths.RepositoryRoot, "functions", "ElectionFunctions", "bin", configuration, "net10.0", "functions.metadata");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.Clone());
    }

    private static JsonElement Trigger(string function) =>
        Functions[function].GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("direction").GetString() == "In");

    [Fact]
    public void Declares_exactly_the_expected_functions() =>
        Assert.Equal(
            ["AcknowledgeReport", "CheckAcknowledgements", "ClassifyReport", "ClassifyReportPoison", "CompilePackage", "CompilePackageOnDemand", "FollowUpReport",
             "GetIncidentOfKey", "GetIncidentOfReport", "GetReport", "GetReportSchema",
             "Health", "ReconcileReports", "RetryReport", "RouteReport", "RouteReportPoison", "SubmitReport",
             "TaxiiAddObjects", "TaxiiApiRoot", "TaxiiCollection", "TaxiiCollections", "TaxiiDiscovery", "TaxiiGetManifest", "TaxiiGetObject",
             "TaxiiGetObjectVersions", "TaxiiGetObjects", "TaxiiGetStatus", "WatchData", "WatchPage"],
            Functions.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [InlineData("SubmitReport", "post", "api/reports")]
    [InlineData("GetReport", "get", "api/reports/{reportId}")]
    [InlineData("CompilePackageOnDemand", "post", "api/elections/{electionId}/package")]
    [InlineData("GetReportSchema", "get", "api/schemas/report-v1.json")]
    [InlineData("RetryReport", "post", "api/reports/{reportId}/retry")]
    [InlineData("Health", "get", "api/health")]
    [InlineData("GetIncidentOfReport", "get", "api/incidents/{reportId}")]
    [InlineData("GetIncidentOfKey", "get", "api/incidents")]
    [InlineData("AcknowledgeReport", "post", "api/agencies/{agency}/acknowledgements")]
    [InlineData("FollowUpReport", "post", "api/reports/{reportId}/follow-ups")]
    [InlineData("WatchPage", "get", "api/watch")]
    [InlineData("WatchData", "get", "api/watch/data")]
    [InlineData("TaxiiDiscovery", "get", "taxii2")]
    [InlineData("TaxiiApiRoot", "get", "taxii2/elections")]
    [InlineData("TaxiiCollections", "get", "taxii2/elections/collections")]
    [InlineData("TaxiiCollection", "get", "taxii2/elections/collections/{collectionId}")]
    [InlineData("TaxiiGetObjects", "get", "taxii2/elections/collections/{collectionId}/objects")]
    [InlineData("TaxiiAddObjects", "post", "taxii2/elections/collections/{collectionId}/objects")]
    [InlineData("TaxiiGetObject", "get", "taxii2/elections/collections/{collectionId}/objects/{objectId}")]
    [InlineData("TaxiiGetObjectVersions", "get", "taxii2/elections/collections/{collectionId}/objects/{objectId}/versions")]
    [InlineData("TaxiiGetManifest", "get", "taxii2/elections/collections/{collectionId}/manifest")]
    [InlineData("TaxiiGetStatus", "get", "taxii2/elections/status/{statusId}")]
    public void Http_triggers_have_their_route_and_method(string function, string method, string route)
    {
        var trigger = Trigger(function);
        Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        // The bearer token is the authentication; function keys would be a second, shared secret.
        Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString());
    }

    [Theory]
    [InlineData("ClassifyReport", "reports-intake")]
    [InlineData("RouteReport", "reports-route")]
    [InlineData("ClassifyReportPoison", "reports-intake-poison")]
    [InlineData("RouteReportPoison", "reports-route-poison")]
    public void Queue_triggers_have_their_queue_and_connection(string function, string queue)
    {
        var trigger = Trigger(function);
        Assert.Equal("queueTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(queue, trigger.GetProperty("queueName").GetString());
        Assert.Equal("AzureWebJobsStorage", trigger.GetProperty("connection").GetString());
    }

    [Theory]
    [InlineData("CompilePackage", "%PackageSchedule%")]
    [InlineData("ReconcileReports", "%ReconcileSchedule%")]
    [InlineData("CheckAcknowledgements", "%AcknowledgementSchedule%")]
    public void Timers_read_their_schedule_from_an_app_setting(string function, string schedule)
    {
        var trigger = Trigger(function);
        Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(schedule, trigger.GetProperty("schedule").GetString());
    }

    [Fact]
    public void Host_json_sets_the_queue_semantics_the_local_host_follows()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "host.json")));
        var queues = host.RootElement.GetProperty("extensions").GetProperty("queues");
        Assert.Equal(5, queues.GetProperty("maxDequeueCount").GetInt32());
        // Messages are plain JSON, as WorkQueues writes them.
        Assert.Equal("none", queues.GetProperty("messageEncoding").GetString());
        // No prefix: the routes carry their own (api/…, and taxii2/… where TAXII 2.1 puts it).
        Assert.Equal("", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }
}
