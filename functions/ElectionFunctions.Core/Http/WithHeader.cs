using Microsoft.AspNetCore.Http;

namespace ElectionFunctions.Http;

/// <summary>A typed result with one response header more (Location on a replayed submission, Cache-Control).</summary>
public sealed class WithHeader<TResult>(TResult result, string name, string value) : IResult, IStatusCodeHttpResult
    where TResult : IResult
{
    public TResult Result => result;
    public string Name => name;
    public string Value => value;

    int? IStatusCodeHttpResult.StatusCode => (result as IStatusCodeHttpResult)?.StatusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers[name] = value;
        return result.ExecuteAsync(httpContext);
    }
}
