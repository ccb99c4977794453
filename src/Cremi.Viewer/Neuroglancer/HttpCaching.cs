using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Cremi.Viewer.Neuroglancer;

/// <summary>Content negotiation and caching shared by chunks, info documents and viewer files.</summary>
internal static class HttpCaching
{
    /// <summary>
    /// Chunks of a registered file never change while it is served (its length and write time are in the ETag), so
    /// the browser may keep them for a year without asking again; private because a token may guard them.
    /// </summary>
    public const string Immutable = "private, max-age=31536000, immutable";

    /// <summary>Small documents (info, state, pages) are revalidated with their ETag on every use.</summary>
    public const string Revalidate = "private, no-cache";

    /// <summary>True when the client takes gzip (Accept-Encoding "gzip", or "*", with a non-zero q).</summary>
    public static bool AcceptsGzip(HttpRequest request)
    {
        foreach (var value in request.Headers.AcceptEncoding)
        {
            if (value is null) continue;
            foreach (var part in value.Split(','))
            {
                var pieces = part.Split(';', StringSplitOptions.TrimEntries);
                if (!pieces[0].Equals("gzip", StringComparison.OrdinalIgnoreCase) && pieces[0] != "*") continue;
                var q = pieces.Skip(1).FirstOrDefault(p => p.StartsWith("q=", StringComparison.OrdinalIgnoreCase));
                if (q is null || !double.TryParse(q.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture, out var weight) || weight > 0)
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Sets Cache-Control, Vary and the ETag (one per encoding, as a strong ETag must be); true when the client's
    /// If-None-Match already names it, so the caller answers 304 without reading anything.
    /// </summary>
    public static bool NotModified(HttpContext context, string version, bool gzip, string cacheControl)
    {
        var etag = new EntityTagHeaderValue($"\"{version}{(gzip ? "-gz" : "")}\"");
        var headers = context.Response.GetTypedHeaders();
        headers.ETag = etag;
        context.Response.Headers.CacheControl = cacheControl;
        context.Response.Headers.Vary = "Accept-Encoding";
        var ifNoneMatch = context.Request.GetTypedHeaders().IfNoneMatch;
        return ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: false));
    }

    public static async Task WriteAsync(HttpContext context, byte[] body, string contentType, bool gzip, CancellationToken cancel)
    {
        var response = context.Response;
        response.ContentType = contentType;
        if (gzip)
        {
            response.Headers.ContentEncoding = "gzip";
            body = Gzip(body);
        }
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, cancel);
    }

    /// <summary>Fastest level: a chunk is compressed once per request, and label chunks shrink ~100x even so.</summary>
    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream(bytes.Length / 4 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }
}
