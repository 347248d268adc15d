using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ElectionFunctions.IntegrationTests.Taxii;

// An independent TAXII 2.1 client written only from the OASIS specification (TAXII Version 2.1, OASIS Standard,
// 10 June 2021, https://docs.oasis-open.org/cti/taxii/v2.1/os/taxii-v2.1-os.html). Every response is checked against
// the requirements of the section cited; a broken requirement throws TaxiiSpecViolation. See TaxiiRequirements.md.

/// <summary>A TAXII server response that breaks a requirement of the TAXII 2.1 specification.</summary>
public sealed class TaxiiSpecViolation : Exception
{
    public TaxiiSpecViolation(string section, string requirement, string? detail = null)
        : base(detail is null ? $"TAXII 2.1 §{section}: {requirement}" : $"TAXII 2.1 §{section}: {requirement} [{detail}]")
    {
        Section = section;
        Requirement = requirement;
        Detail = detail;
    }

    /// <summary>The section(s) of the specification, e.g. "3.4.1".</summary>
    public string Section { get; }

    /// <summary>The requirement that was broken.</summary>
    public string Requirement { get; }

    /// <summary>What the server actually did.</summary>
    public string? Detail { get; }
}

/// <summary>URL query parameters of §3.4. The Match* values may list several values separated by commas (a logical OR).</summary>
public sealed record TaxiiQuery
{
    public static TaxiiQuery None { get; } = new();

    public string? AddedAfter { get; init; }
    public int? Limit { get; init; }
    public string? Next { get; init; }
    public string? MatchId { get; init; }
    public string? MatchType { get; init; }
    public string? MatchVersion { get; init; }
    public string? MatchSpecVersion { get; init; }

    /// <summary>The query string without its '?', empty when no parameter is set. Values are sent exactly as given (no validation).</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        if (AddedAfter is not null) parts.Add("added_after=" + Uri.EscapeDataString(AddedAfter));
        if (Limit is int limit) parts.Add("limit=" + limit.ToString(CultureInfo.InvariantCulture));
        if (Next is not null) parts.Add("next=" + Uri.EscapeDataString(Next)); // opaque (§3.4): fully escaped
        AddMatch(parts, "id", MatchId);
        AddMatch(parts, "type", MatchType);
        AddMatch(parts, "version", MatchVersion);
        AddMatch(parts, "spec_version", MatchSpecVersion);
        return string.Join('&', parts);
    }

    // §3.4: match[<field>]; several values are separated by a comma without spaces, so the comma is kept literal.
    private static void AddMatch(List<string> parts, string field, string? values)
    {
        if (values is not null) parts.Add($"match[{field}]=" + string.Join(',', values.Split(',').Select(v => Uri.EscapeDataString(v))));
    }
}

/// <summary>Discovery resource, §4.1.1.</summary>
public sealed record TaxiiDiscovery(string Title, string? Description, string? Contact, string? Default, IReadOnlyList<string> ApiRoots, JsonObject Raw);

/// <summary>API Root resource, §4.2.1.</summary>
public sealed record TaxiiApiRoot(string Title, string? Description, IReadOnlyList<string> Versions, long MaxContentLength, JsonObject Raw);

/// <summary>Collection resource, §5.2.1.</summary>
public sealed record TaxiiCollection(
    string Id, string Title, string? Description, string? Alias, bool CanRead, bool CanWrite, IReadOnlyList<string>? MediaTypes, JsonObject Raw);

/// <summary>One envelope (§3.7) from Get Objects (§5.4) or Get an Object (§5.6), with the date-added headers (§3.2).
/// The objects are detached copies, free to be added to another JsonObject.</summary>
public sealed record TaxiiEnvelopePage(IReadOnlyList<JsonObject> Objects, bool More, string? Next, string? DateAddedFirst, string? DateAddedLast);

/// <summary>manifest-record, §5.3.1.</summary>
public sealed record TaxiiManifestRecord(string Id, string DateAdded, string Version, string? MediaType);

/// <summary>One manifest resource (§5.3.1) with the date-added headers (§3.2).</summary>
public sealed record TaxiiManifestPage(
    IReadOnlyList<TaxiiManifestRecord> Records, bool More, string? Next, string? DateAddedFirst, string? DateAddedLast);

/// <summary>One versions resource (§5.8.1) with the date-added headers (§3.2). The resource defines no "next".</summary>
public sealed record TaxiiVersionsPage(IReadOnlyList<string> Versions, bool More, string? DateAddedFirst, string? DateAddedLast);

/// <summary>status-details, §4.3.1.</summary>
public sealed record TaxiiStatusDetail(string Id, string Version, string? Message);

/// <summary>Status resource, §4.3.1. Absent lists are empty here.</summary>
public sealed record TaxiiStatus(
    string Id, string Status, string? RequestTimestamp,
    long TotalCount, long SuccessCount, long FailureCount, long PendingCount,
    IReadOnlyList<TaxiiStatusDetail> Successes, IReadOnlyList<TaxiiStatusDetail> Failures, IReadOnlyList<TaxiiStatusDetail> Pendings,
    JsonObject Raw)
{
    public bool IsComplete => Status == "complete";
}

/// <summary>Error message, §3.6.1. <paramref name="StatusCode"/> is the HTTP status of the response; HttpStatus is the optional (string) property.</summary>
public sealed record TaxiiError(
    int StatusCode, string Title, string? Description, string? ErrorId, string? ErrorCode, string? HttpStatus,
    string? ExternalDetails, JsonObject? Details, JsonObject Raw);

/// <summary>
/// A TAXII 2.1 client that checks every response against the specification. The HttpClient carries the caller's
/// authentication and a BaseAddress at the server root; API Root URLs may be absolute or relative to that root.
/// </summary>
public sealed partial class TaxiiSpecClient
{
    /// <summary>§1.6.8.2: the TAXII 2.1 media type with its version parameter.</summary>
    public const string MediaType = "application/taxii+json;version=2.1";

    /// <summary>§4.1, §8.2.1: the Discovery Endpoint is /taxii2/ at the root of the server.</summary>
    public const string DiscoveryPath = "/taxii2/";

    public const string DateAddedFirstHeader = "X-TAXII-Date-Added-First";
    public const string DateAddedLastHeader = "X-TAXII-Date-Added-Last";

    private const string UserAgent = "ElectionFunctions-TaxiiSpecClient/1.0"; // §3.2: clients SHOULD send a User-Agent
    private const long MaxInteger = (1L << 53) - 1; // §2 integer: a signed 54-bit value

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // STIX 2.1 §3.2 (spec_version): when absent, the implicit value is 2.0, except for SCOs where it is 2.1.
    private static readonly HashSet<string> ScoTypes = new(StringComparer.Ordinal)
    {
        "artifact", "autonomous-system", "directory", "domain-name", "email-addr", "email-message", "file", "ipv4-addr", "ipv6-addr",
        "mac-addr", "mutex", "network-traffic", "process", "software", "url", "user-account", "windows-registry-key", "x509-certificate",
    };

    // Property names each resource defines; any other name is a custom property (§7.1.1).
    private static readonly string[] DiscoveryProperties = ["title", "description", "contact", "default", "api_roots"];
    private static readonly string[] ApiRootProperties = ["title", "description", "versions", "max_content_length"];
    private static readonly string[] CollectionsProperties = ["collections"];
    private static readonly string[] CollectionProperties = ["id", "title", "description", "alias", "can_read", "can_write", "media_types"];
    private static readonly string[] EnvelopeProperties = ["more", "next", "objects"];
    private static readonly string[] ManifestProperties = ["more", "objects"];
    private static readonly string[] ManifestRecordProperties = ["id", "date_added", "version", "media_type"];
    private static readonly string[] VersionsProperties = ["more", "versions"];
    private static readonly string[] StatusProperties =
        ["id", "status", "request_timestamp", "total_count", "success_count", "successes", "failure_count", "failures", "pending_count", "pendings"];
    private static readonly string[] StatusDetailProperties = ["id", "version", "message"];
    private static readonly string[] ErrorProperties = ["title", "description", "error_id", "error_code", "http_status", "external_details", "details"];

    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, long> _maxContentLength = new(StringComparer.Ordinal);

    public TaxiiSpecClient(HttpClient http) => _http = http ?? throw new ArgumentNullException(nameof(http));

    /// <summary>
    /// §2 timestamp: "YYYY-MM-DDTHH:MM:SS.ssssssZ ... the TAXII timestamp MUST have microsecond precision". When false, any
    /// number of fractional digits (or none) is accepted. Applies to the date-added headers, date_added and request_timestamp.
    /// </summary>
    public bool RequireMicrosecondTimestamps { get; init; } = true;

    /// <summary>Delay between two polls of the status endpoint.</summary>
    public TimeSpan StatusPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    // ---------------------------------------------------------------- URLs (§3.1: every endpoint path ends in "/")

    public static string ApiRootUrl(string apiRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiRoot);
        return apiRoot.EndsWith('/') ? apiRoot : apiRoot + "/";
    }

    public static string CollectionsUrl(string apiRoot) => Build(apiRoot, null, "collections");
    public static string CollectionUrl(string apiRoot, string collectionId) => Build(apiRoot, null, "collections", collectionId);
    public static string ObjectsUrl(string apiRoot, string collectionId, TaxiiQuery? query = null) => Build(apiRoot, query, "collections", collectionId, "objects");
    public static string ManifestUrl(string apiRoot, string collectionId, TaxiiQuery? query = null) => Build(apiRoot, query, "collections", collectionId, "manifest");

    public static string ObjectUrl(string apiRoot, string collectionId, string objectId, TaxiiQuery? query = null) =>
        Build(apiRoot, query, "collections", collectionId, "objects", objectId);

    public static string VersionsUrl(string apiRoot, string collectionId, string objectId, TaxiiQuery? query = null) =>
        Build(apiRoot, query, "collections", collectionId, "objects", objectId, "versions");

    public static string StatusUrl(string apiRoot, string statusId) => Build(apiRoot, null, "status", statusId);

    /// <summary>
    /// A request for <see cref="ExpectErrorAsync"/>: Accept and Content-Type are sent verbatim and left out when null,
    /// so that 406/415 cases can be provoked; <paramref name="body"/> is sent as UTF-8 bytes.
    /// </summary>
    public static HttpRequestMessage CreateRequest(
        HttpMethod method, string url, string? accept = MediaType, string? body = null, string? contentType = MediaType)
    {
        var request = new HttpRequestMessage(method, url);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return request;
    }

    // ---------------------------------------------------------------- §4 Server information

    /// <summary>§4.1 Server Discovery: GET /taxii2/ → discovery (§4.1.1).</summary>
    public async Task<TaxiiDiscovery> DiscoverAsync(CancellationToken cancellationToken = default)
    {
        var reply = await GetAsync(DiscoveryPath, cancellationToken);
        ExpectSuccess(reply, 200, "4.1");
        const string S = "4.1.1";
        var o = ParseObject(reply, S, "discovery");
        var title = ReqStr(o, "title", S, "discovery");
        var description = Str(o, "description", S, "discovery");
        var contact = Str(o, "contact", S, "discovery");
        var @default = Str(o, "default", S, "discovery");
        var apiRoots = StrList(o, "api_roots", S, "discovery") ?? new List<string>();
        foreach (var url in apiRoots) CheckApiRootUrl(url);
        if (@default is not null && !apiRoots.Contains(@default, StringComparer.Ordinal))
            throw V(S, "discovery.default MUST be an item in api_roots", $"default '{@default}', api_roots [{string.Join(", ", apiRoots)}]");
        CheckCustomPropertyNames(o, DiscoveryProperties, "discovery");
        return new TaxiiDiscovery(title, description, contact, @default, apiRoots, o);
    }

    /// <summary>§4.2 Get API Root Information: GET {api-root}/ → api-root (§4.2.1).</summary>
    public async Task<TaxiiApiRoot> GetApiRootAsync(string apiRootUrl, CancellationToken cancellationToken = default)
    {
        var reply = await GetAsync(ApiRootUrl(apiRootUrl), cancellationToken);
        ExpectSuccess(reply, 200, "4.2");
        const string S = "4.2.1";
        var o = ParseObject(reply, S, "api-root");
        var title = ReqStr(o, "title", S, "api-root");
        var description = Str(o, "description", S, "api-root");
        var versions = StrList(o, "versions", S, "api-root", required: true) ?? new List<string>();
        foreach (var value in versions)
            if (!TryParseTaxiiMediaType(value, out var version) || version is null || !VersionParameter().IsMatch(version))
                throw V(S, "api-root.versions values MUST be the TAXII media type (§1.6.8.1) with its version parameter", $"'{value}'");
        if (!versions.Any(v => TryParseTaxiiMediaType(v, out var listed) && listed == "2.1"))
            throw V(S, "api-root.versions MUST include \"application/taxii+json;version=2.1\"", $"[{string.Join(", ", versions)}]");
        var maxContentLength = Int(o, "max_content_length", S, "api-root", min: 1);
        CheckCustomPropertyNames(o, ApiRootProperties, "api-root");
        _maxContentLength[ApiRootUrl(apiRootUrl)] = maxContentLength;
        return new TaxiiApiRoot(title, description, versions, maxContentLength, o);
    }

    /// <summary>§4.3 Get Status: GET {api-root}/status/{status-id}/ → status (§4.3.1).</summary>
    public async Task<TaxiiStatus> GetStatusAsync(string apiRoot, string statusId, CancellationToken cancellationToken = default)
    {
        var reply = await GetAsync(StatusUrl(apiRoot, statusId), cancellationToken);
        ExpectSuccess(reply, 200, "4.3");
        var status = ParseStatus(ParseObject(reply, "4.3.1", "status"));
        if (!string.Equals(status.Id, statusId, StringComparison.OrdinalIgnoreCase))
            throw V("4.3", "Get Status returns the status resource whose id is in the path", $"asked {statusId}, got {status.Id}");
        return status;
    }

    /// <summary>
    /// §5.5: "the client SHOULD periodically poll the get status Endpoint ... until the status property returns complete".
    /// Polls while the status is pending; ends only when it is complete or when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<TaxiiStatus> PollStatusUntilCompleteAsync(string apiRoot, string statusId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var status = await GetStatusAsync(apiRoot, statusId, cancellationToken);
            if (status.IsComplete) return status;
            await Task.Delay(StatusPollInterval, cancellationToken);
        }
    }

    // ---------------------------------------------------------------- §5 Collections

    /// <summary>§5.1 Get Collections: GET {api-root}/collections/ → collections (§5.1.1). Empty when the key is omitted.</summary>
    public async Task<IReadOnlyList<TaxiiCollection>> GetCollectionsAsync(string apiRoot, CancellationToken cancellationToken = default)
    {
        var reply = await GetAsync(CollectionsUrl(apiRoot), cancellationToken);
        ExpectSuccess(reply, 200, "5.1");
        const string S = "5.1.1";
        var o = ParseObject(reply, S, "collections");
        var collections = new List<TaxiiCollection>();
        if (NonEmptyList(o, "collections", S, "collections") is { } items)
            foreach (var item in items)
                collections.Add(item is JsonObject c ? ParseCollection(c) : throw V(S, "collections is a list of collection resources", Clip(o)));
        CheckCustomPropertyNames(o, CollectionsProperties, "collections");
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var aliases = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in collections)
        {
            if (!ids.Add(c.Id)) throw V("5.2.1", "collection.id universally and uniquely identifies a Collection", $"'{c.Id}' listed twice");
            if (c.Alias is not null && !aliases.Add(c.Alias)) throw V("5.2.1", "a collection alias MUST be unique within an API Root", $"'{c.Alias}'");
        }
        return collections;
    }

    /// <summary>§5.2 Get a Collection: GET {api-root}/collections/{id}/ → collection (§5.2.1).</summary>
    public async Task<TaxiiCollection> GetCollectionAsync(string apiRoot, string collectionId, CancellationToken cancellationToken = default)
    {
        var reply = await GetAsync(CollectionUrl(apiRoot, collectionId), cancellationToken);
        ExpectSuccess(reply, 200, "5.2");
        var collection = ParseCollection(ParseObject(reply, "5.2.1", "collection"));
        if (!string.Equals(collection.Id, collectionId, StringComparison.OrdinalIgnoreCase) && collection.Alias != collectionId)
            throw V("5.2", "Get a Collection returns the collection named in the path", $"asked {collectionId}, got {collection.Id}");
        return collection;
    }

    /// <summary>§5.3 Get Object Manifests: GET {api-root}/collections/{id}/manifest/ → manifest (§5.3.1).</summary>
    public async Task<TaxiiManifestPage> GetManifestAsync(
        string apiRoot, string collectionId, TaxiiQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var reply = await GetAsync(ManifestUrl(apiRoot, collectionId, query), cancellationToken);
        ExpectSuccess(reply, 200, "5.3");
        const string S = "5.3.1";
        var manifest = ParseObject(reply, S, "manifest");
        var more = Bool(manifest, "more", S, "manifest") ?? false;
        // "next" is not in the §5.3.1 table, yet §3.5 pages this endpoint with it: read as an optional string.
        var next = NullIfEmpty(Str(manifest, "next", S, "manifest"));
        if (next is not null && !more) throw V("3.5, 3.7", "next MAY be populated only when more is true", $"{reply.What}: next '{next}'");
        var records = new List<TaxiiManifestRecord>();
        var added = new List<DateTime>();
        if (NonEmptyList(manifest, "objects", S, "manifest") is { } items)
            foreach (var item in items)
            {
                if (item is not JsonObject r) throw V(S, "manifest.objects is a list of manifest-record objects", Clip(manifest));
                var record = new TaxiiManifestRecord(
                    ReqStr(r, "id", S, "manifest-record"), ReqStr(r, "date_added", S, "manifest-record"),
                    ReqStr(r, "version", S, "manifest-record"), Str(r, "media_type", S, "manifest-record"));
                added.Add(RequireTaxiiTimestamp(record.DateAdded, S, $"manifest-record {record.Id} date_added"));
                CheckCustomPropertyNames(r, ManifestRecordProperties, "manifest-record");
                records.Add(record);
            }
        CheckCustomPropertyNames(manifest, [.. ManifestProperties, "next"], "manifest");

        // §3.3: sorted in ascending order by the date added.
        for (var i = 1; i < added.Count; i++)
            if (added[i] < added[i - 1])
                throw V("3.3", "manifest records MUST be sorted in ascending order of date_added",
                    $"{reply.What}: {records[i - 1].DateAdded} then {records[i].DateAdded}");

        // §3.4 added_after: only objects added after (strictly) the timestamp.
        if (query.AddedAfter is not null && TryParseUtc(query.AddedAfter, out var after, out _))
            for (var i = 0; i < added.Count; i++)
                if (added[i] <= after)
                    throw V("3.4", "added_after returns only objects added after the given timestamp",
                        $"{reply.What}: {records[i].Id} date_added {records[i].DateAdded}");

        CheckLimit(query, records.Count, reply.What);
        // §5.3: filtering applies to the objects the records describe; only id and version are visible in a record.
        CheckIdAndVersionFilters(records.Select(r => (Id: r.Id, Version: (string?)r.Version)).ToList(), query, reply.What);

        var headers = DateAddedHeaders(reply, records.Count, query.AddedAfter, "5.3");
        if (records.Count > 0)
        {
            // §3.2: the headers carry the date_added of the first and of the last object of the response.
            if (headers.FirstAt != added[0])
                throw V("3.2", $"{DateAddedFirstHeader} is the date_added of the first record of the response",
                    $"{reply.What}: header {headers.First}, first record {records[0].DateAdded}");
            if (headers.LastAt != added[^1])
                throw V("3.2", $"{DateAddedLastHeader} is the date_added of the last record of the response",
                    $"{reply.What}: header {headers.Last}, last record {records[^1].DateAdded}");
        }
        return new TaxiiManifestPage(records, more, next, headers.First, headers.Last);
    }

    /// <summary>§5.4 Get Objects: GET {api-root}/collections/{id}/objects/ → envelope (§3.7).</summary>
    public async Task<TaxiiEnvelopePage> GetObjectsAsync(
        string apiRoot, string collectionId, TaxiiQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var reply = await GetAsync(ObjectsUrl(apiRoot, collectionId, query), cancellationToken);
        return ReadEnvelope(reply, query, "5.4", objectId: null);
    }

    /// <summary>§5.6 Get an Object: GET {api-root}/collections/{id}/objects/{object-id}/ → envelope (§3.7).</summary>
    public async Task<TaxiiEnvelopePage> GetObjectAsync(
        string apiRoot, string collectionId, string objectId, TaxiiQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var reply = await GetAsync(ObjectUrl(apiRoot, collectionId, objectId, query), cancellationToken);
        return ReadEnvelope(reply, query, "5.6", objectId);
    }

    /// <summary>§5.8 Get Object Versions: GET {api-root}/collections/{id}/objects/{object-id}/versions/ → versions (§5.8.1).</summary>
    public async Task<TaxiiVersionsPage> GetObjectVersionsAsync(
        string apiRoot, string collectionId, string objectId, TaxiiQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var reply = await GetAsync(VersionsUrl(apiRoot, collectionId, objectId, query), cancellationToken);
        ExpectSuccess(reply, 200, "5.8");
        const string S = "5.8.1";
        var o = ParseObject(reply, S, "versions");
        var more = Bool(o, "more", S, "versions") ?? false;
        var versions = StrList(o, "versions", S, "versions") ?? new List<string>();
        CheckCustomPropertyNames(o, VersionsProperties, "versions");
        CheckLimit(query, versions.Count, reply.What);
        var headers = DateAddedHeaders(reply, versions.Count, query.AddedAfter, "5.8");
        return new TaxiiVersionsPage(versions, more, headers.First, headers.Last);
    }

    /// <summary>
    /// §5.5 Add Objects: POST {api-root}/collections/{id}/objects/ with an envelope, sent with Accept and Content-Type
    /// application/taxii+json;version=2.1. Expects 202 and a status resource (§4.3.1) consistent with the envelope.
    /// </summary>
    public async Task<TaxiiStatus> PostEnvelopeAsync(
        string apiRoot, string collectionId, JsonObject envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var body = envelope.ToJsonString();
        using var request = CreateRequest(HttpMethod.Post, ObjectsUrl(apiRoot, collectionId), MediaType, body, MediaType);
        AddUserAgent(request);
        var reply = await SendAsync(request, cancellationToken);
        // §4.2.1: bodies smaller than max_content_length MUST NOT result in 413 (known once GetApiRootAsync has run).
        if (reply.Status == 413 && _maxContentLength.TryGetValue(ApiRootUrl(apiRoot), out var max) && Encoding.UTF8.GetByteCount(body) < max)
            throw V("4.2.1", "requests smaller than max_content_length MUST NOT result in HTTP 413",
                $"{reply.What}: {Encoding.UTF8.GetByteCount(body)} bytes, max_content_length {max}");
        ExpectSuccess(reply, 202, "5.5");
        var status = ParseStatus(ParseObject(reply, "4.3.1", "status"));
        AssertStatusMatchesEnvelope(status, envelope);
        return status;
    }

    /// <summary>
    /// Checks a status resource against the envelope whose POST it monitors (§4.3.1): total_count is the number of objects
    /// in the envelope (or 0 before processing starts), and each status-details names a posted STIX id and its version
    /// (modified, else created).
    /// </summary>
    public static void AssertStatusMatchesEnvelope(TaxiiStatus status, JsonObject envelope)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(envelope);
        const string S = "4.3.1";
        var versionsById = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        var posted = 0;
        if (envelope["objects"] is JsonArray objects)
            foreach (var item in objects)
            {
                posted++;
                if (item is not JsonObject o || Text(o, "id") is not { } id) continue;
                if (!versionsById.TryGetValue(id, out var versions)) versionsById[id] = versions = new HashSet<string>(StringComparer.Ordinal);
                if (VersionOf(o) is { } version) versions.Add(version);
            }
        if (status.TotalCount != 0 && status.TotalCount != posted)
            throw V(S, "total_count is the number of objects in the request's envelope (0 only before processing starts)",
                $"posted {posted}, total_count {status.TotalCount}");
        foreach (var (details, name) in new[] { (status.Successes, "successes"), (status.Failures, "failures"), (status.Pendings, "pendings") })
            foreach (var detail in details)
            {
                if (!versionsById.TryGetValue(detail.Id, out var versions))
                    throw V(S, "status-details id MUST be the STIX id of an object of the request", $"{name}: '{detail.Id}'");
                if (versions.Count > 0 && !versions.Any(v => SameVersion(v, detail.Version)))
                    throw V(S, "status-details version MUST be the object's modified timestamp (created when unversioned)",
                        $"{name}: {detail.Id} version '{detail.Version}', posted [{string.Join(", ", versions)}]");
            }
    }

    // ---------------------------------------------------------------- Errors (§3.6)

    /// <summary>
    /// Sends a request the caller built (it is disposed here; its headers are sent as they are), asserts the HTTP status and
    /// that the body is an error message (§3.6.1) with Content-Type application/taxii+json;version=2.1, and returns it.
    /// </summary>
    public async Task<TaxiiError> ExpectErrorAsync(HttpRequestMessage request, int expectedStatus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method == HttpMethod.Head) throw new ArgumentException("A HEAD response has no body to check.", nameof(request));
        Reply reply;
        using (request) reply = await SendAsync(request, cancellationToken);
        if (reply.Status != expectedStatus)
            throw V("3.6", $"the server answers HTTP {expectedStatus} here", $"{reply.What} answered {reply.Status}: {reply.Snippet}");
        // §1.6.9 and RFC 7235 §3.1: a 401 response carries a WWW-Authenticate challenge.
        if (expectedStatus == 401 && !reply.HasWwwAuthenticate)
            throw V("1.6.9", "an HTTP 401 response includes a WWW-Authenticate header (RFC 7235 §3.1)", reply.What);
        // Endpoint tables, "Failure Responses": Content-Type application/taxii+json;version=2.1, payload error.
        ExpectTaxiiContentType(reply, "3.6.1");
        const string S = "3.6.1";
        var o = ParseObject(reply, S, "error");
        var title = ReqStr(o, "title", S, "error");
        var httpStatus = Str(o, "http_status", S, "error"); // type string in the §3.6.1 table
        if (httpStatus is not null && httpStatus != expectedStatus.ToString(CultureInfo.InvariantCulture))
            throw V(S, "error.http_status, if present, MUST match the HTTP status code", $"{reply.What}: status {reply.Status}, http_status '{httpStatus}'");
        var details = Member(o, "details", S, "error", required: false);
        if (details is not null and not JsonObject) throw V(S, "error.details is a dictionary (JSON object)", Clip(o));
        var error = new TaxiiError(
            reply.Status, title, Str(o, "description", S, "error"), Str(o, "error_id", S, "error"), Str(o, "error_code", S, "error"),
            httpStatus, Str(o, "external_details", S, "error"), details as JsonObject, o);
        CheckCustomPropertyNames(o, ErrorProperties, "error");
        return error;
    }

    // ---------------------------------------------------------------- Transport

    private sealed record Reply(
        string What, int Status, string? ContentType, string[] DateAddedFirst, string[] DateAddedLast, bool HasWwwAuthenticate, byte[] Body)
    {
        public string Snippet
        {
            get
            {
                var text = Encoding.UTF8.GetString(Body);
                return text.Length <= 300 ? text : text[..300] + "…";
            }
        }
    }

    private readonly record struct DateAdded(string? First, string? Last, DateTime? FirstAt, DateTime? LastAt);

    private async Task<Reply> GetAsync(string url, CancellationToken cancellationToken)
    {
        // §3.1: every request includes a TAXII media range in Accept.
        using var request = CreateRequest(HttpMethod.Get, url);
        AddUserAgent(request);
        return await SendAsync(request, cancellationToken);
    }

    private void AddUserAgent(HttpRequestMessage request)
    {
        if (!_http.DefaultRequestHeaders.Contains("User-Agent") && !request.Headers.Contains("User-Agent"))
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
    }

    private async Task<Reply> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var what = $"{request.Method} {request.RequestUri}";
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var contentType = HeaderValues(response.Content.Headers, "Content-Type");
        return new Reply(
            what, (int)response.StatusCode, contentType.Length == 0 ? null : string.Join(", ", contentType),
            HeaderValues(response.Headers, DateAddedFirstHeader), HeaderValues(response.Headers, DateAddedLastHeader),
            response.Headers.NonValidated.Contains("WWW-Authenticate"), body);
    }

    private static string[] HeaderValues(HttpHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) ? values.ToArray() : [];

    private static string Build(string apiRoot, TaxiiQuery? query, params string[] segments)
    {
        var url = new StringBuilder(ApiRootUrl(apiRoot));
        foreach (var segment in segments) url.Append(Uri.EscapeDataString(segment)).Append('/');
        var queryString = query?.ToQueryString();
        if (!string.IsNullOrEmpty(queryString)) url.Append('?').Append(queryString); // §3.1: the query follows the trailing slash
        return url.ToString();
    }

    // ---------------------------------------------------------------- Response-level checks

    private static void ExpectSuccess(Reply reply, int status, string section)
    {
        if (reply.Status != status)
            throw V(section, $"a successful request answers HTTP {status}", $"{reply.What} answered {reply.Status}: {reply.Snippet}");
        ExpectTaxiiContentType(reply, section);
    }

    // §3.1: "All TAXII responses MUST include the appropriate media type and version parameter in the Content-Type header".
    private static void ExpectTaxiiContentType(Reply reply, string section)
    {
        if (reply.ContentType is null || !TryParseTaxiiMediaType(reply.ContentType, out var version) || version != "2.1")
            throw V($"3.1, {section}", $"the response Content-Type MUST be {MediaType}", $"{reply.What}: Content-Type '{reply.ContentType ?? "(none)"}'");
    }

    // §1.6.8: application/taxii+json with an optional version parameter (parameters may carry whitespace or quotes, RFC 7231 §3.1.1.1).
    private static bool TryParseTaxiiMediaType(string value, out string? version)
    {
        version = null;
        var parts = value.Split(';');
        if (!parts[0].Trim().Equals("application/taxii+json", StringComparison.OrdinalIgnoreCase)) return false;
        foreach (var parameter in parts.Skip(1))
        {
            var eq = parameter.IndexOf('=');
            if (eq > 0 && parameter[..eq].Trim().Equals("version", StringComparison.OrdinalIgnoreCase))
                version = parameter[(eq + 1)..].Trim().Trim('"');
        }
        return true;
    }

    // §1.6.7: UTF-8 encoded I-JSON (RFC 7493, no duplicate member names) / RFC 8259 (no byte order mark on the network).
    private static JsonObject ParseObject(Reply reply, string section, string resource)
    {
        var body = reply.Body;
        if (body.Length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF)
            throw V("1.6.7", "JSON sent over a network MUST NOT begin with a byte order mark (RFC 8259 §8.1)", reply.What);
        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            throw V("1.6.7", "TAXII resources are serialized as UTF-8 encoded JSON", reply.What);
        }
        JsonNode? node;
        try
        {
            using (var document = JsonDocument.Parse(text)) RejectDuplicateNames(document.RootElement, reply.What);
            node = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw V("1.6.7", "TAXII resources are serialized as JSON (RFC 8259)", $"{reply.What}: {e.Message}; body: {reply.Snippet}");
        }
        return node as JsonObject ?? throw V(section, $"the response body is a {resource} resource (a JSON object)", $"{reply.What}: {reply.Snippet}");
    }

    private static void RejectDuplicateNames(JsonElement element, string what)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                if (!names.Add(property.Name))
                    throw V("1.6.7", "I-JSON objects MUST NOT have members with duplicate names (RFC 7493 §2.3)", $"{what}: '{property.Name}'");
                RejectDuplicateNames(property.Value, what);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray()) RejectDuplicateNames(item, what);
        }
    }

    // §3.7 envelope, for §5.4 and §5.6.
    private TaxiiEnvelopePage ReadEnvelope(Reply reply, TaxiiQuery query, string section, string? objectId)
    {
        ExpectSuccess(reply, 200, section);
        const string S = "3.7";
        var envelope = ParseObject(reply, S, "envelope");
        var more = Bool(envelope, "more", S, "envelope") ?? false; // absence means false
        var next = NullIfEmpty(Str(envelope, "next", S, "envelope"));
        if (next is not null && !more) throw V(S, "envelope.next MAY be populated only when more is true", $"{reply.What}: next '{next}'");
        var objects = new List<JsonObject>();
        if (NonEmptyList(envelope, "objects", S, "envelope") is { } items)
            foreach (var item in items) objects.Add(StixObject(item, reply.What));
        CheckCustomPropertyNames(envelope, EnvelopeProperties, "envelope");

        CheckLimit(query, objects.Count, reply.What);
        if (objectId is not null)
            foreach (var o in objects)
                if (!string.Equals(Text(o, "id"), objectId, StringComparison.OrdinalIgnoreCase))
                    throw V("5.6", "Get an Object returns only the object named in the path (as if match[id]={object-id})", $"{reply.What}: got {Text(o, "id")}");
        CheckObjectFilters(objects, query, reply.What);

        // The envelope carries no date_added, so the headers can only be checked for form, order and added_after.
        var headers = DateAddedHeaders(reply, objects.Count, query.AddedAfter, section);
        return new TaxiiEnvelopePage(objects.Select(o => (JsonObject)o.DeepClone()).ToList(), more, next, headers.First, headers.Last);
    }

    // §3.7: "Objects in this list MUST be a STIX Object"; STIX 2.1 §2.9/§3.2: type, and an id "<type>--<UUID>".
    private static JsonObject StixObject(JsonNode? item, string what)
    {
        const string S = "3.7";
        if (item is not JsonObject o) throw V(S, "envelope.objects holds STIX Objects (JSON objects)", what);
        var type = Text(o, "type");
        if (type is null || !StixType().IsMatch(type)) throw V(S, "a STIX Object has a 'type' string (STIX 2.1 §3.2)", $"{what}: {Clip(o)}");
        var id = Text(o, "id");
        if (id is null || !id.StartsWith(type + "--", StringComparison.Ordinal) || !Guid.TryParseExact(id[(type.Length + 2)..], "D", out _))
            throw V(S, "a STIX Object has an 'id' of the form <type>--<UUID> (STIX 2.1 §2.9)", $"{what}: {Clip(o)}");
        return o;
    }

    // §3.2: X-TAXII-Date-Added-First/Last are timestamps of the first and last object of the response.
    private DateAdded DateAddedHeaders(Reply reply, int count, string? addedAfter, string section)
    {
        var first = SingleHeader(reply.DateAddedFirst, DateAddedFirstHeader, reply.What);
        var last = SingleHeader(reply.DateAddedLast, DateAddedLastHeader, reply.What);
        // "All HTTP 200 series responses to the following endpoints MUST include" them; only enforced when the
        // response holds something, since an empty response has no first or last object to describe.
        if (count > 0 && (first is null || last is null))
            throw V($"3.2, {section}", $"200 responses to this endpoint MUST include {DateAddedFirstHeader} and {DateAddedLastHeader}",
                $"{reply.What}: {count} item(s), {(first is null ? DateAddedFirstHeader : DateAddedLastHeader)} missing");
        DateTime? firstAt = first is null ? null : RequireTaxiiTimestamp(first, "3.2", DateAddedFirstHeader);
        DateTime? lastAt = last is null ? null : RequireTaxiiTimestamp(last, "3.2", DateAddedLastHeader);
        if (firstAt > lastAt)
            throw V("3.2, 3.3", "results are sorted oldest first, so the first object's date_added is not after the last one's",
                $"{reply.What}: {DateAddedFirstHeader} {first}, {DateAddedLastHeader} {last}");
        if (firstAt is { } at && addedAfter is not null && TryParseUtc(addedAfter, out var after, out _) && at <= after)
            throw V("3.4", "added_after returns only objects added after (strictly) the given timestamp",
                $"{reply.What}: added_after {addedAfter}, {DateAddedFirstHeader} {first}");
        return new DateAdded(first, last, firstAt, lastAt);
    }

    private static string? SingleHeader(string[] values, string name, string what) => values.Length switch
    {
        0 => null,
        1 => values[0].Trim(),
        _ => throw V("3.2", $"{name} holds a single timestamp", $"{what}: {values.Length} values"),
    };

    // §3.4 limit: "Responses to requests where the client provided a limit MUST NOT contain more objects than requested."
    private static void CheckLimit(TaxiiQuery query, int count, string what)
    {
        if (query.Limit is int limit && limit > 0 && count > limit)
            throw V("3.4", "a response MUST NOT contain more objects than the limit requested", $"{what}: limit {limit}, got {count}");
    }

    // §3.4.1 match[type], match[spec_version], then match[id] and match[version].
    private static void CheckObjectFilters(List<JsonObject> objects, TaxiiQuery query, string what)
    {
        var types = Split(query.MatchType);
        var specVersions = Split(query.MatchSpecVersion);
        foreach (var o in objects)
        {
            var id = Text(o, "id");
            if (types is not null && !types.Contains(Text(o, "type") ?? "", StringComparer.Ordinal))
                throw V("3.4.1", "match[type]: only the types listed are permitted in the response", $"{what}: {id}");
            if (specVersions is not null && !specVersions.Contains(SpecVersionOf(o), StringComparer.Ordinal))
                throw V("3.4.1", "match[spec_version]: the response MUST NOT include specification versions that are not listed",
                    $"{what}: {id} has spec_version {SpecVersionOf(o)}");
        }
        CheckIdAndVersionFilters(objects.Select(o => (Id: Text(o, "id") ?? "", Version: VersionOf(o))).ToList(), query, what);
    }

    private static void CheckIdAndVersionFilters(List<(string Id, string? Version)> items, TaxiiQuery query, string what)
    {
        var ids = Split(query.MatchId);
        if (ids is not null)
            foreach (var (id, _) in items)
                if (!ids.Contains(id, StringComparer.OrdinalIgnoreCase))
                    throw V("3.4.1", "match[id]: only the objects with the ids listed are returned", $"{what}: {id}");

        var versions = Split(query.MatchVersion) ?? new[] { "last" }; // §3.4.1: last is the default
        if (versions is ["last"] or ["first"])
        {
            // "If no version parameter is provided, the server MUST return only the latest version for each object";
            // last (the default) and first each select one version per object. With several spec_version values an
            // object might legitimately appear once per specification version, so that case is not checked.
            if ((Split(query.MatchSpecVersion)?.Length ?? 1) == 1)
            {
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var (id, _) in items)
                    if (!seen.Add(id))
                        throw V("3.4.1", query.MatchVersion is null
                                ? "without match[version] only the latest version of each object is returned (last is the default)"
                                : $"match[version]={versions[0]} returns one version of each object",
                            $"{what}: {id} appears more than once");
            }
        }
        else if (!versions.Any(v => v is "last" or "first" or "all"))
        {
            // "<value> - requests objects whose modified time matches exactly the provided value" (created when unversioned).
            foreach (var (id, version) in items)
                if (version is not null && !versions.Any(v => SameVersion(v, version)))
                    throw V("3.4.1", "match[version]=<value> returns only the versions whose modified (else created) timestamp matches",
                        $"{what}: {id} version {version}, asked [{string.Join(", ", versions)}]");
        }
    }

    // §2 identifier: "an RFC 4122-compliant Version 4 UUID".
    private static void RequireIdentifier(string value, string section, string what)
    {
        if (!Guid.TryParseExact(value, "D", out _) || value[14] != '4' || "89abAB".IndexOf(value[19]) < 0)
            throw V($"2, {section}", "an identifier is an RFC 4122 version 4 UUID", $"{what} '{value}'");
    }

    // §4.1.1 api_roots: HTTPS absolute URLs, or relative URLs beginning with a single "/", never with a query component.
    // Absolute http URLs are accepted only when this client itself talks plain HTTP (a local test host).
    private void CheckApiRootUrl(string url)
    {
        const string S = "4.1.1";
        if (url.Contains('?')) throw V(S, "API Root URLs MUST NOT contain a URL query component", url);
        if (url.StartsWith('/'))
        {
            if (url.StartsWith("//", StringComparison.Ordinal))
                throw V(S, "relative API Root URLs MUST begin with a single '/' and MUST NOT begin with '//' or '../'", url);
            return;
        }
        var plainHttp = _http.BaseAddress?.Scheme == Uri.UriSchemeHttp;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || (plainHttp && uri.Scheme == Uri.UriSchemeHttp)))
            throw V(S, "API Root URLs MUST be HTTPS absolute URLs or relative URLs beginning with '/'", url);
    }

    // ---------------------------------------------------------------- Resources

    // §5.2.1
    private static TaxiiCollection ParseCollection(JsonObject o)
    {
        const string S = "5.2.1";
        var id = ReqStr(o, "id", S, "collection");
        RequireIdentifier(id, S, "collection.id");
        var collection = new TaxiiCollection(
            id, ReqStr(o, "title", S, "collection"), Str(o, "description", S, "collection"), Str(o, "alias", S, "collection"),
            ReqBool(o, "can_read", S, "collection"), ReqBool(o, "can_write", S, "collection"), StrList(o, "media_types", S, "collection"), o);
        CheckCustomPropertyNames(o, CollectionProperties, "collection");
        return collection;
    }

    // §4.3.1
    private TaxiiStatus ParseStatus(JsonObject o)
    {
        const string S = "4.3.1";
        var id = ReqStr(o, "id", S, "status");
        RequireIdentifier(id, S, "status.id");
        var state = ReqStr(o, "status", S, "status");
        if (state is not ("complete" or "pending")) throw V(S, "status.status MUST be one of complete or pending", $"'{state}'");
        var requestTimestamp = Str(o, "request_timestamp", S, "status");
        if (requestTimestamp is not null) RequireTaxiiTimestamp(requestTimestamp, S, "status.request_timestamp");
        var total = Int(o, "total_count", S, "status", min: 0);
        var success = Int(o, "success_count", S, "status", min: 0);
        var failure = Int(o, "failure_count", S, "status", min: 0);
        var pending = Int(o, "pending_count", S, "status", min: 0);
        var successes = StatusDetails(o, "successes");
        var failures = StatusDetails(o, "failures");
        var pendings = StatusDetails(o, "pendings");
        CheckCustomPropertyNames(o, StatusProperties, "status");

        // total_count is the number of objects in the request; each one has succeeded, failed or is still pending.
        if (success + failure + pending != total)
            throw V(S, "success_count + failure_count + pending_count equals total_count",
                $"{success} + {failure} + {pending} != {total}; {Clip(o)}");
        // The optional lists detail (some of) the objects counted.
        if (successes.Count > success) throw V(S, "successes lists no more objects than success_count", Clip(o));
        if (failures.Count > failure) throw V(S, "failures lists no more objects than failure_count", Clip(o));
        if (pendings.Count > pending) throw V(S, "pendings lists no more objects than pending_count", Clip(o));
        // "complete indicates that this resource will not be updated further": nothing may still be pending.
        if (state == "complete" && pending != 0) throw V(S, "a complete status has pending_count 0", Clip(o));
        return new TaxiiStatus(id, state, requestTimestamp, total, success, failure, pending, successes, failures, pendings, o);
    }

    private static List<TaxiiStatusDetail> StatusDetails(JsonObject status, string name)
    {
        const string S = "4.3.1";
        var details = new List<TaxiiStatusDetail>();
        if (NonEmptyList(status, name, S, "status") is not { } items) return details;
        foreach (var item in items)
        {
            if (item is not JsonObject d) throw V(S, $"status.{name} is a list of status-details", Clip(status));
            // id and version are both required in the status-details table (an example of §5.5 omits version).
            details.Add(new TaxiiStatusDetail(
                ReqStr(d, "id", S, "status-details"), ReqStr(d, "version", S, "status-details"), Str(d, "message", S, "status-details")));
            CheckCustomPropertyNames(d, StatusDetailProperties, "status-details");
        }
        return details;
    }

    // ---------------------------------------------------------------- Properties (§2 data types, §3.8 property names)

    // §3.8: required properties MUST be present; names are exact, case included. §2: optional properties are omitted, not null.
    private static JsonNode? Member(JsonObject o, string name, string section, string resource, bool required)
    {
        if (!o.TryGetPropertyValue(name, out var node))
        {
            if (required) throw V($"3.8, {section}", $"{resource}.{name} is required", Clip(o));
            return null;
        }
        return node ?? throw V($"2, {section}", $"{resource}.{name} is not null (omit an optional property instead)", Clip(o));
    }

    private static string? Str(JsonObject o, string name, string section, string resource, bool required = false)
    {
        var node = Member(o, name, section, resource, required);
        if (node is null) return null;
        if (node.GetValueKind() != JsonValueKind.String) throw V($"2, {section}", $"{resource}.{name} is a string", Clip(o));
        return node.GetValue<string>();
    }

    // Never empty: a required member that is absent throws.
    private static string ReqStr(JsonObject o, string name, string section, string resource) => Str(o, name, section, resource, required: true) ?? "";

    private static bool? Bool(JsonObject o, string name, string section, string resource, bool required = false)
    {
        var node = Member(o, name, section, resource, required);
        return node?.GetValueKind() switch
        {
            null => (bool?)null,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw V($"2, {section}", $"{resource}.{name} is a boolean: the literal true or false", Clip(o)),
        };
    }

    private static bool ReqBool(JsonObject o, string name, string section, string resource) => Bool(o, name, section, resource, required: true) is true;

    private static long Int(JsonObject o, string name, string section, string resource, long min)
    {
        var node = Member(o, name, section, resource, required: true)!;
        if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<long>(out var value) || value > MaxInteger || value < -MaxInteger)
            throw V($"2, {section}", $"{resource}.{name} is an integer", Clip(o));
        if (value < min) throw V(section, $"{resource}.{name} MUST be at least {min}", Clip(o));
        return value;
    }

    // §2 list: "every instance of a list MUST have at least one value"; empty lists MUST NOT replace an omitted property.
    private static JsonArray? NonEmptyList(JsonObject o, string name, string section, string resource, bool required = false)
    {
        var node = Member(o, name, section, resource, required);
        if (node is null) return null;
        if (node is not JsonArray array) throw V($"2, {section}", $"{resource}.{name} is a list (JSON array)", Clip(o));
        if (array.Count == 0) throw V($"2, {section}", $"{resource}.{name} is omitted rather than an empty list", Clip(o));
        return array;
    }

    private static List<string>? StrList(JsonObject o, string name, string section, string resource, bool required = false)
    {
        if (NonEmptyList(o, name, section, resource, required) is not { } array) return null;
        var values = new List<string>();
        foreach (var item in array)
        {
            if (item is null || item.GetValueKind() != JsonValueKind.String) throw V($"2, {section}", $"{resource}.{name} is a list of strings", Clip(o));
            values.Add(item.GetValue<string>());
        }
        return values;
    }

    // §7.1.1: custom property names are ASCII a-z, 0-9 and '_', 3 to 250 characters.
    private static void CheckCustomPropertyNames(JsonObject o, string[] defined, string resource)
    {
        foreach (var (name, _) in o)
            if (Array.IndexOf(defined, name) < 0 && !CustomPropertyName().IsMatch(name))
                throw V("7.1.1", "custom property names contain only a-z, 0-9 and '_' and are 3 to 250 characters long", $"{resource} has '{name}'");
    }

    // ---------------------------------------------------------------- Values

    private DateTime RequireTaxiiTimestamp(string text, string section, string what)
    {
        if (!TryParseUtc(text, out var value, out var digits))
            throw V($"2, {section}", "a timestamp is an RFC 3339 timestamp in UTC with the 'Z' designation (YYYY-MM-DDTHH:MM:SS.ssssssZ)", $"{what} '{text}'");
        if (RequireMicrosecondTimestamps && digits != 6)
            throw V($"2, {section}", "a TAXII timestamp MUST have microsecond precision (YYYY-MM-DDTHH:MM:SS.ssssssZ)", $"{what} '{text}'");
        return value;
    }

    private static bool TryParseUtc(string text, out DateTime value, out int fractionDigits)
    {
        value = default;
        fractionDigits = 0;
        var match = Rfc3339Utc().Match(text);
        if (!match.Success || !DateTime.TryParseExact(match.Groups[1].Value, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var seconds))
            return false;
        var fraction = match.Groups[2].Value;
        fractionDigits = fraction.Length;
        var ticks = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(7, '0')[..7], CultureInfo.InvariantCulture); // 100 ns ticks
        value = seconds.AddTicks(ticks);
        return true;
    }

    // Versions are compared as instants when both are timestamps ("2016-01-01T01:01:01.000Z" == "2016-01-01T01:01:01Z").
    private static bool SameVersion(string a, string b) =>
        string.Equals(a, b, StringComparison.Ordinal) ||
        (TryParseUtc(a, out var x, out _) && TryParseUtc(b, out var y, out _) && x == y);

    private static string? VersionOf(JsonObject o) => Text(o, "modified") ?? Text(o, "created");

    private static string SpecVersionOf(JsonObject o) =>
        Text(o, "spec_version") ?? (Text(o, "type") is { } type && ScoTypes.Contains(type) ? "2.1" : "2.0");

    private static string? Text(JsonObject o, string name) =>
        o.TryGetPropertyValue(name, out var node) && node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string[]? Split(string? csv) => csv?.Split(',');

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Clip(JsonNode node)
    {
        var json = node.ToJsonString();
        return json.Length <= 300 ? json : json[..300] + "…";
    }

    private static TaxiiSpecViolation V(string section, string requirement, string? detail = null) => new(section, requirement, detail);

    [GeneratedRegex(@"^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]+))?Z\z", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339Utc();

    [GeneratedRegex(@"^[a-z0-9_]{3,250}\z", RegexOptions.CultureInvariant)]
    private static partial Regex CustomPropertyName();

    [GeneratedRegex(@"^[a-z0-9-]{3,250}\z", RegexOptions.CultureInvariant)]
    private static partial Regex StixType();

    [GeneratedRegex(@"^[0-9]+\.[0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex VersionParameter();
}
