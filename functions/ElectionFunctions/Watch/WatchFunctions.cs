using ElectionFunctions.Http;
using ElectionFunctions.Security;
using ElectionFunctions.Watch;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace ElectionFunctions.Functions.Watch;

/// <summary>The Election Day Watch: the page (anonymous: it holds no data) and its data (Watch.Read or Reports.Admin).</summary>
public sealed class WatchFunctions(WatchHandler watch)
{
    [Function("WatchPage")]
    public WithHeader<FileContentHttpResult> WatchPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/watch")] HttpRequest request) =>
        ElectionFunctions.Watch.WatchPage.Serve();

    [Function("WatchData")]
    [RequiresRole(AppRoles.WatchRead, AppRoles.Admin)]
    public Task<Ok<WatchData>> WatchData(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/watch/data")] HttpRequest request,
        CancellationToken cancellationToken) =>
        watch.GetAsync(cancellationToken);
}
