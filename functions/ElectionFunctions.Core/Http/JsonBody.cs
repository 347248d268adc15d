using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace ElectionFunctions.Http;

/// <summary>Reading an untrusted JSON body: a byte limit, valid UTF-8, no duplicate keys, bounded depth.</summary>
public static class JsonBody
{
    public const int MaxDepth = 32;

    private static readonly JsonDocumentOptions Options = new()
    {
        MaxDepth = MaxDepth,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    /// <summary>Reads at most <paramref name="max"/> bytes; null when the body is longer (the rest is not read).</summary>
    public static async Task<byte[]?> ReadLimitedAsync(Stream body, int max, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(max + 1, 64 * 1024));
        try
        {
            using var collected = new MemoryStream();
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, max + 1 - (int)collected.Length)), cancellationToken).ConfigureAwait(false)) > 0)
            {
                collected.Write(buffer, 0, read);
                if (collected.Length > max) return null;
            }
            return collected.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A small request body as <typeparamref name="T"/> (an acknowledgement, a follow-up): 413 over <paramref name="max"/> bytes, 400 when it is not that JSON.</summary>
    public static async Task<(T? Value, byte[] Body, ProblemResult? Refused)> ReadAsync<T>(Microsoft.AspNetCore.Http.HttpRequest request, int max,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken) where T : class
    {
        var body = await ReadLimitedAsync(request.Body, max, cancellationToken).ConfigureAwait(false);
        if (body is null) return (null, [], Problems.PayloadTooLarge(max));
        var (document, error) = Parse(body);
        using var _ = document;
        if (document is null) return (null, body, Problems.Malformed(error));
        if (document.RootElement.ValueKind != JsonValueKind.Object) return (null, body, Problems.Malformed("The body must be a JSON object."));
        try
        {
            return (document.RootElement.Deserialize(type), body, null);
        }
        catch (JsonException e)
        {
            // A field of the wrong kind ("question": 7).
            return (null, body, Problems.Malformed(e.Message));
        }
    }

    /// <summary>The parsed document, or why the bytes are not acceptable JSON.</summary>
    public static (JsonDocument? Document, string? Error) Parse(byte[] body)
    {
        if (!Utf8.IsValid(body)) return (null, "The body is not valid UTF-8.");
        try
        {
            return (JsonDocument.Parse(body, Options), null);
        }
        catch (JsonException e)
        {
            // The reader's message names the problem and position (depth, duplicate key, bad token); no internals.
            return (null, e.Message);
        }
    }
}
