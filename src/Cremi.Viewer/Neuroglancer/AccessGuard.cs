using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Cremi.Viewer.Neuroglancer;

/// <summary>
/// Decides whether a request may be answered at all, before any routing.
/// With a token: the request must carry it as `?token=`, an `Authorization: Bearer` or `X-Cremi-Token` header, or the
/// cookie set when a URL with `?token=` was opened. The cookie is what lets the viewer work: Neuroglancer appends
/// chunk names to the data URL by string concatenation, so a query string cannot ride along on chunk requests.
/// Without a token (loopback only): the Host header must name a loopback host, so a web page that rebinds its DNS
/// name to 127.0.0.1 still cannot read the data.
/// </summary>
internal sealed class AccessGuard(string? token)
{
    public const string CookieName = "cremi_token";
    public const string HeaderName = "X-Cremi-Token";

    private readonly byte[]? _token = token is null ? null : Encoding.UTF8.GetBytes(token);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (_token is null)
        {
            if (!IsLoopbackHost(context.Request.Host.Host))
            {
                await Refuse(context, StatusCodes.Status403Forbidden, "this server answers only to localhost names");
                return;
            }
        }
        else
        {
            var query = context.Request.Query["token"].ToString();
            var presented = Candidates(context.Request).FirstOrDefault(Matches);
            if (presented is null)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await Refuse(context, StatusCodes.Status401Unauthorized, "a valid token is required");
                return;
            }
            if (presented == query)
                context.Response.Cookies.Append(CookieName, query, new CookieOptions
                {
                    HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", Secure = context.Request.IsHttps,
                });
        }
        await next(context);
    }

    private static IEnumerable<string> Candidates(HttpRequest request)
    {
        yield return request.Query["token"].ToString();
        yield return request.Headers[HeaderName].ToString();
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) yield return authorization[7..].Trim();
        yield return request.Cookies[CookieName] ?? "";
    }

    private bool Matches(string candidate) =>
        candidate.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), _token);

    private static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));

    private static Task Refuse(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n");
    }
}
