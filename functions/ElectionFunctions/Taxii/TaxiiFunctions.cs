using ElectionFunctions.Http;
using ElectionFunctions.Security;
using ElectionFunctions.Taxii;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace ElectionFunctions.Functions.Taxii;

/// <summary>
/// TAXII 2.1 under /taxii2/ (docs/taxii.md). Partners (Reports.Submit) push to their collection; each agency's principal
/// (Agency.*) reads its own. Errors are TAXII error messages (ProblemResult renders them under /taxii2).
/// </summary>
public sealed class TaxiiFunctions(TaxiiHandler taxii)
{
    private const string Root = "taxii2/" + TaxiiOptions.ApiRoot;
    private const string CollectionRoute = Root + "/collections/{collectionId}";

    [Function("TaxiiDiscovery")]
    [TaxiiCaller]
    public Results<TaxiiResult, ProblemResult> Discovery([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "taxii2")] HttpRequest request) =>
        taxii.Discovery(request);

    [Function("TaxiiApiRoot")]
    [TaxiiCaller]
    public Results<TaxiiResult, ProblemResult> ApiRoot([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Root)] HttpRequest request) =>
        taxii.ApiRoot(request);

    [Function("TaxiiCollections")]
    [TaxiiCaller]
    public Results<TaxiiResult, ProblemResult> Collections([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Root + "/collections")] HttpRequest request) =>
        taxii.Collections(request, request.HttpContext.Caller());

    [Function("TaxiiCollection")]
    [TaxiiCaller]
    public Results<TaxiiResult, ProblemResult> Collection([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = CollectionRoute)] HttpRequest request, string collectionId) =>
        taxii.Collection(request, request.HttpContext.Caller(), collectionId);

    [Function("TaxiiGetObjects")]
    [TaxiiCaller]
    public Task<Results<TaxiiResult, ProblemResult>> GetObjects(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = CollectionRoute + "/objects")] HttpRequest request, string collectionId, CancellationToken cancellationToken) =>
        taxii.ObjectsAsync(request, request.HttpContext.Caller(), collectionId, cancellationToken);

    [Function("TaxiiAddObjects")]
    [TaxiiCaller]
    public Task<Results<TaxiiResult, ProblemResult>> AddObjects(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = CollectionRoute + "/objects")] HttpRequest request, string collectionId, CancellationToken cancellationToken) =>
        taxii.AddObjectsAsync(request, request.HttpContext.Caller(), collectionId, cancellationToken);

    [Function("TaxiiGetObject")]
    [TaxiiCaller]
    public Task<Results<TaxiiResult, ProblemResult>> GetObject(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = CollectionRoute + "/objects/{objectId}")] HttpRequest request, string collectionId, string objectId,
        CancellationToken cancellationToken) =>
        taxii.ObjectAsync(request, request.HttpContext.Caller(), collectionId, objectId, cancellationToken);

    [Function("TaxiiGetObjectVersions")]
    [TaxiiCaller]
    public Task<Results<TaxiiResult, ProblemResult>> GetObjectVersions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = CollectionRoute + "/objects/{objectId}/versions")] HttpRequest request, string collectionId, string objectId,
        CancellationToken cancellationToken) =>
        taxii.VersionsAsync(request, request.HttpContext.Caller(), collectionId, objectId, cancellationToken);

    [Function("TaxiiGetManifest")]
    [TaxiiCaller]
    public Task<Results<TaxiiResult, ProblemResult>> GetManifest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = CollectionRoute + "/manifest")] HttpRequest request, string collectionId, CancellationToken cancellationToken) =>
        taxii.ManifestAsync(request, request.HttpContext.Caller(), collectionId, cancellationToken);

    [Function("TaxiiGetStatus")]
    [TaxiiCaller]
    public Task<Results<TaxiiResult, ProblemResult>> GetStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Root + "/status/{statusId}")] HttpRequest request, string statusId, CancellationToken cancellationToken) =>
        taxii.StatusAsync(request, request.HttpContext.Caller(), statusId, cancellationToken);
}
