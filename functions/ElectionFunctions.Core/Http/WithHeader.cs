using Microsoft.AspNetCore.Http;

namespace ElectionFunctions.Http;

/// <summary>A typed result with a response header more (Location on a replayed submission, Cache-Control), and any <see cref="Extra"/>.</summary>
public sealed class WithHeader<TResult>(TResult result, string name, string value) : IResult, IStatusCodeHttpResult
    where TResult : IResult
{
    public TResult Result => result;
    public string Name => name;
    public string Value => value;

    /// <summary>More headers (a page's security headers).</summary>
    public IReadOnlyList<(string Name, string Value)> Extra { get; init; } = [];

    int? IStatusCodeHttpResult.StatusCode => (result as IStatusCodeHttpResult)?.StatusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers[name] = value;
        foreach (var (n, v) in Extra) httpContext.Response.Headers[n] = v;
        return result.ExecuteAsync(httpContext);
    }
}
