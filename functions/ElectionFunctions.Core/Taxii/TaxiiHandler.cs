// Over 200 lines: the TAXII 2.1 endpoints share one query reading and one paging walk (docs/taxii.md explains both).
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ElectionFunctions.Http;
using ElectionFunctions.Intake;
using ElectionFunctions.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Taxii;

/// <summary>
/// The TAXII 2.1 server (OASIS TAXII 2.1, sections 4 and 5): discovery, one API root, the caller's collections, their
/// objects, manifest, object by id and its versions, and the status of a push. Who may call is the gate's (any app role
/// the routes name); which collections a caller sees is <see cref="TaxiiCollections"/>'. A push goes through the same
/// intake as POST /api/reports (<see cref="IntakeHandler.StoreAsync"/>), each report known by its STIX identity.
/// </summary>
public sealed partial class TaxiiHandler(
    TaxiiStore store,
    SubmissionReader reader,
    StixBundleMapper stix,
    IntakeHandler intake,
    IOptions<TaxiiOptions> options,
    IOptions<IntakeOptions> intakeOptions,
    TimeProvider time,
    ILogger<TaxiiHandler> logger)
{
    public Results<TaxiiResult, ProblemResult> Discovery(HttpRequest request)
    {
        if (!TaxiiMedia.Acceptable(request)) return TaxiiMedia.NotAcceptable;
        var root = $"{request.Scheme}://{request.Host}{TaxiiMedia.Root}/{TaxiiOptions.ApiRoot}/";
        return new TaxiiResult(StatusCodes.Status200OK, new JsonObject
        {
            ["title"] = options.Value.Title,
            ["description"] = "EO 13848 reports: partners push STIX 2.1, agencies read what was routed to them.",
            ["default"] = root,
            ["api_roots"] = new JsonArray(root),
        });
    }

    public Results<TaxiiResult, ProblemResult> ApiRoot(HttpRequest request) => !TaxiiMedia.Acceptable(request) ? TaxiiMedia.NotAcceptable
        : new TaxiiResult(StatusCodes.Status200OK, new JsonObject
        {
            ["title"] = options.Value.Title,
            ["description"] = "One collection per partner (push) and per agency (pull).",
            ["versions"] = new JsonArray(TaxiiMedia.Taxii),
            ["max_content_length"] = intakeOptions.Value.MaxBodyBytes,
        });

    public Results<TaxiiResult, ProblemResult> Collections(HttpRequest request, Caller caller)
    {
        if (!TaxiiMedia.Acceptable(request)) return TaxiiMedia.NotAcceptable;
        var visible = TaxiiCollections.VisibleTo(caller);
        // No collection: the resource with its optional list left out (TAXII 2.1, 5.1).
        return new TaxiiResult(StatusCodes.Status200OK, visible.Count == 0 ? new JsonObject()
            : new JsonObject { ["collections"] = new JsonArray([.. visible.Select(c => (JsonNode)Describe(c))]) });
    }

    public Results<TaxiiResult, ProblemResult> Collection(HttpRequest request, Caller caller, string collectionId) =>
        !TaxiiMedia.Acceptable(request) ? TaxiiMedia.NotAcceptable
        : TaxiiCollections.Find(caller, collectionId) is { } c ? new TaxiiResult(StatusCodes.Status200OK, Describe(c)) : UnknownCollection;

    /// <summary>GET objects: an envelope of the page's objects.</summary>
    public Task<Results<TaxiiResult, ProblemResult>> ObjectsAsync(HttpRequest request, Caller caller, string collectionId, CancellationToken cancellationToken) =>
        ReadAsync(request, caller, collectionId, null, page => new JsonObject { ["objects"] = new JsonArray([.. page.Select(p => (JsonNode)p.Object.DeepClone())]) },
            cancellationToken);

    /// <summary>GET objects/{id}: the object's versions the filters take, as an envelope; 404 when the collection has none.</summary>
    public Task<Results<TaxiiResult, ProblemResult>> ObjectAsync(HttpRequest request, Caller caller, string collectionId, string objectId, CancellationToken cancellationToken) =>
        ReadAsync(request, caller, collectionId, objectId, page => new JsonObject { ["objects"] = new JsonArray([.. page.Select(p => (JsonNode)p.Object.DeepClone())]) },
            cancellationToken);

    /// <summary>GET objects/{id}/versions: the versions resource.</summary>
    public Task<Results<TaxiiResult, ProblemResult>> VersionsAsync(HttpRequest request, Caller caller, string collectionId, string objectId, CancellationToken cancellationToken) =>
        ReadAsync(request, caller, collectionId, objectId, page => new JsonObject { ["versions"] = new JsonArray([.. page.Select(p => (JsonNode)Version(p.Object))]) },
            cancellationToken);

    /// <summary>GET manifest: a record per object version of the page.</summary>
    public Task<Results<TaxiiResult, ProblemResult>> ManifestAsync(HttpRequest request, Caller caller, string collectionId, CancellationToken cancellationToken) =>
        ReadAsync(request, caller, collectionId, null, page => new JsonObject
        {
            ["objects"] = new JsonArray([.. page.Select(p => (JsonNode)new JsonObject
            {
                ["id"] = p.Object["id"]!.DeepClone(),
                ["date_added"] = TaxiiEntry.Timestamp(p.Entry.DateAdded),
                ["version"] = Version(p.Object),
                ["media_type"] = TaxiiMedia.Stix,
            })]),
        }, cancellationToken);

    /// <summary>POST objects: the envelope through intake; the answer is its status resource, complete when intake has stored it.</summary>
    public async Task<Results<TaxiiResult, ProblemResult>> AddObjectsAsync(HttpRequest request, Caller caller, string collectionId, CancellationToken cancellationToken)
    {
        if (!TaxiiMedia.Acceptable(request)) return TaxiiMedia.NotAcceptable;
        if (TaxiiCollections.Find(caller, collectionId) is not { } collection) return UnknownCollection;
        if (!collection.CanWrite || caller.Partner is not { } partner) return CannotWrite;
        if (!TaxiiMedia.IsEnvelope(request.ContentType)) return TaxiiMedia.UnsupportedMediaType;
        var max = intakeOptions.Value.MaxBodyBytes;
        var body = request.ContentLength > max ? null : await JsonBody.ReadLimitedAsync(request.Body, max, cancellationToken).ConfigureAwait(false);
        if (body is null) return Problems.PayloadTooLarge(max);

        if (IntakeHandler.ContextFrom(request.Headers, time.GetUtcNow()) is not { } context) return IntakeHandler.BadFederalContest;
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(body));
        var (submission, refused) = reader.ReadStix(body, document => stix.MapEnvelope(document.RootElement, $"envelope:{sha256[..32]}", context));
        if (submission is null) return refused!;
        var (stored, conflict) = await intake.StoreAsync(partner, submission, body, sha256, TaxiiMedia.Taxii, SubmissionIds.Objects(partner.Id, sha256), cancellationToken)
            .ConfigureAwait(false);
        if (stored is null) return conflict!;

        // Every object is taken: a report object becomes its report; the rest are read into the reports and kept as their evidence.
        var bySource = submission.Reports.Zip(stored).ToDictionary(p => p.First.Source ?? "", p => p.Second.ReportId, StringComparer.Ordinal);
        var all = string.Join(", ", stored.Select(s => s.ReportId));
        var successes = new JsonArray();
        using (var envelope = JsonDocument.Parse(body))
            foreach (var o in envelope.RootElement.GetProperty("objects").EnumerateArray())
            {
                var id = o.GetProperty("id").GetString()!;
                var type = o.GetProperty("type").GetString()!;
                successes.Add(new JsonObject
                {
                    ["id"] = id,
                    ["version"] = Version(o),
                    ["message"] = bySource.TryGetValue(id, out var reportId) ? $"report {reportId}"
                        : submission.IgnoredTypes.Contains(type) ? $"kept in the evidence of report(s) {all}; type {type} is not mapped"
                        : $"read into report(s) {all}",
                });
            }
        var status = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["status"] = "complete",
            ["request_timestamp"] = TaxiiEntry.Timestamp(time.GetUtcNow()),
            ["total_count"] = successes.Count,
            ["success_count"] = successes.Count,
            ["successes"] = successes,
            ["failure_count"] = 0,
            ["pending_count"] = 0,
        };
        await store.SaveStatusAsync(partner.Id, status, cancellationToken).ConfigureAwait(false);
        LogPushed(logger, partner.Id, successes.Count, all);
        return new TaxiiResult(StatusCodes.Status202Accepted, status);
    }

    public async Task<Results<TaxiiResult, ProblemResult>> StatusAsync(HttpRequest request, Caller caller, string statusId, CancellationToken cancellationToken)
    {
        if (!TaxiiMedia.Acceptable(request)) return TaxiiMedia.NotAcceptable;
        var status = caller.Partner is { } partner && Guid.TryParse(statusId, out _)
            ? await store.ReadStatusAsync(partner.Id, statusId, cancellationToken).ConfigureAwait(false)
            : null;
        return status is null ? Problems.NotFound("No such status for this client.") : new TaxiiResult(StatusCodes.Status200OK, status);
    }

    private static readonly ProblemResult UnknownCollection = Problems.NotFound("No such collection for this client.");

    private static readonly ProblemResult CannotRead = new(StatusCodes.Status403Forbidden, "forbidden", "Cannot read this collection", "This collection is write-only (can_read: false).");

    private static readonly ProblemResult CannotWrite = new(StatusCodes.Status403Forbidden, "forbidden", "Cannot write this collection", "This collection is read-only (can_write: false).");

    private static JsonObject Describe(TaxiiCollection c) => new()
    {
        ["id"] = c.Id,
        ["title"] = c.Title,
        ["description"] = c.Description,
        ["can_read"] = c.CanRead,
        ["can_write"] = c.CanWrite,
        ["media_types"] = new JsonArray(TaxiiMedia.Stix),
    };

    /// <summary>An object version's identity (TAXII 2.1, 3.4.1): its modified, else its created, else (an observable) its spec_version's default.</summary>
    private static string Version(JsonObject o) => o["modified"]?.GetValue<string>() ?? o["created"]?.GetValue<string>() ?? "2.1";

    private static string Version(JsonElement o) =>
        (o.TryGetProperty("modified", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()
            : o.TryGetProperty("created", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null) ?? "2.1";

    /// <summary>The reading endpoints: access, the query, one page, and the date-added headers of what it holds.</summary>
    private async Task<Results<TaxiiResult, ProblemResult>> ReadAsync(HttpRequest request, Caller caller, string collectionId, string? objectId,
        Func<IReadOnlyList<(TaxiiEntry Entry, JsonObject Object)>, JsonObject> body, CancellationToken cancellationToken)
    {
        if (!TaxiiMedia.Acceptable(request)) return TaxiiMedia.NotAcceptable;
        if (TaxiiCollections.Find(caller, collectionId) is not { } collection) return UnknownCollection;
        if (!collection.CanRead) return CannotRead;
        if (TaxiiQuery.Read(request.Query, objectId, options.Value) is not { } query) return TaxiiQuery.Invalid;

        var (page, next) = await PageAsync(collection.Id, query, cancellationToken).ConfigureAwait(false);
        if (objectId is not null && page.Count == 0 && query.Next is null) return Problems.NotFound($"No version of {objectId} in this collection matches.");
        var answer = body(page);
        answer.Insert(0, "more", next is not null);
        // The versions resource has no next (TAXII 2.1, 5.7.1): its client pages with added_after.
        if (next is not null && !answer.ContainsKey("versions")) answer.Insert(1, "next", next);
        // An empty list is left out, not sent empty.
        if (page.Count == 0) { answer.Remove("objects"); answer.Remove("versions"); }
        return new TaxiiResult(StatusCodes.Status200OK, answer)
        {
            DateAddedFirst = page.Count > 0 ? TaxiiEntry.Timestamp(page[0].Entry.DateAdded) : null,
            DateAddedLast = page.Count > 0 ? TaxiiEntry.Timestamp(page[^1].Entry.DateAdded) : null,
        };
    }

    /// <summary>
    /// One page of the collection's objects in date-added order, and the token for the next when more remain. A page ends
    /// where an entry (the objects added together, one date_added) ends, unless one entry alone fills it: a client that
    /// pages with added_after (the last page's X-TAXII-Date-Added-Last) then misses nothing.
    /// </summary>
    private async Task<(List<(TaxiiEntry Entry, JsonObject Object)> Page, string? Next)> PageAsync(string collection, TaxiiQuery query, CancellationToken cancellationToken)
    {
        var (from, inclusive, skip) = query.Next is { } next ? (next.Seq, true, next.Skip)
            : query.AddedAfter is { } after ? (TaxiiEntry.SeqOf(after) + "|~", false, 0)
            : ("", true, 0);
        var until = TaxiiEntry.SeqOf(time.GetUtcNow() - options.Value.SettleDelay) + "|~";
        var page = new List<(TaxiiEntry, JsonObject)>();
        await foreach (var entry in store.QueryAsync(collection, from, inclusive, until, query.Ids, query.Types, cancellationToken).ConfigureAwait(false))
        {
            var objects = entry.Objects.Select(o => JsonNode.Parse(o.GetRawText())!.AsObject()).Where(query.Matches).ToList();
            var first = query.Next is { } n && entry.Seq == n.Seq ? skip : 0;
            var left = objects.Count - first;
            if (left <= 0) continue;
            if (page.Count >= query.Limit || (page.Count > 0 && page.Count + left > query.Limit)) return (page, TaxiiQuery.Token(entry.Seq, first));
            for (var i = first; i < objects.Count; i++)
            {
                if (page.Count == query.Limit) return (page, TaxiiQuery.Token(entry.Seq, i));
                page.Add((entry, objects[i]));
            }
        }
        return (page, null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "TAXII push from partner {PartnerId}: {Objects} objects into report(s) {ReportIds}")]
    private static partial void LogPushed(ILogger logger, string partnerId, int objects, string reportIds);
}

/// <summary>A reading request's parameters (TAXII 2.1, 3.3 and 3.4): limit, added_after, next and the match filters.</summary>
public sealed record TaxiiQuery(int Limit, DateTimeOffset? AddedAfter, (string Seq, int Skip)? Next,
    IReadOnlyList<string> Ids, IReadOnlyList<string> Types, IReadOnlyList<string> Versions, IReadOnlyList<string> SpecVersions)
{
    public static readonly ProblemResult Invalid = new(StatusCodes.Status400BadRequest, "bad-request", "Bad request",
        "limit must be a positive integer, added_after a timestamp, next a token this server gave, match[version] last, first, all or timestamps.");

    /// <summary>The query, or null when a parameter cannot be read.</summary>
    public static TaxiiQuery? Read(IQueryCollection q, string? objectId, TaxiiOptions options)
    {
        static IReadOnlyList<string> List(string? value) => value is null ? [] : [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        var limit = options.DefaultPageSize;
        if (q["limit"].FirstOrDefault() is { } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1)) return null;
        DateTimeOffset? after = null;
        if (q["added_after"].FirstOrDefault() is { } a)
        {
            if (!DateTimeOffset.TryParse(a, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return null;
            after = parsed;
        }
        (string, int)? next = null;
        if (q["next"].FirstOrDefault() is { } token && (next = FromToken(token)) is null) return null;
        var versions = List(q["match[version]"].FirstOrDefault());
        if (versions.Any(v => v is not ("last" or "first" or "all") && !DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))) return null;
        return new TaxiiQuery(Math.Min(limit, options.MaxPageSize), after, next,
            objectId is not null ? [objectId] : List(q["match[id]"].FirstOrDefault()),
            objectId is not null ? [] : List(q["match[type]"].FirstOrDefault()),
            versions, List(q["match[spec_version]"].FirstOrDefault()));
    }

    /// <summary>Whether an object passes the filters. Each object in these collections has one version, so last, first and all take it alike.</summary>
    public bool Matches(JsonObject o)
    {
        if (Ids.Count > 0 && !Ids.Contains(o["id"]?.GetValue<string>() ?? "")) return false;
        if (Types.Count > 0 && !Types.Contains(o["type"]?.GetValue<string>() ?? "")) return false;
        if (SpecVersions.Count > 0 && !SpecVersions.Contains(o["spec_version"]?.GetValue<string>() ?? "2.1")) return false;
        if (Versions.Count == 0 || Versions.Any(v => v is "last" or "first" or "all")) return true;
        var version = o["modified"]?.GetValue<string>() ?? o["created"]?.GetValue<string>();
        return version is not null && DateTimeOffset.TryParse(version, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var mine)
            && Versions.Any(v => DateTimeOffset.Parse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) == mine);
    }

    /// <summary>An opaque next token: where the page stopped (an entry and how many of its matching objects were served).</summary>
    public static string Token(string seq, int skip) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{seq}\n{skip.ToString(CultureInfo.InvariantCulture)}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (string, int)? FromToken(string token)
    {
        try
        {
            var text = token.Replace('-', '+').Replace('_', '/');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='))).Split('\n');
            return parts.Length == 2 && parts[0].Length > 20 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var skip) ? (parts[0], skip) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
