using System.Text;
using System.Text.Json.Nodes;
using Cremi.Hdf5;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Cremi.Viewer.Neuroglancer;

/// <summary>
/// The URL space, all GET:
///   /                              the Neuroglancer client (index.html; state in the fragment)
///   /{file}                        its bundles, by exact name
///   /volumes                       an HTML page listing the served volumes and the viewer link
///   /state.json                    the viewer state (open as /#!/state.json)
///   /data/{name}/info              precomputed info of a registered volume
///   /data/{name}/s0/x0-x1_y0-y1_z0-z1   one chunk, read from HDF5 on request
/// </summary>
internal static class DisplayRoutes
{
    public static void Map(WebApplication app, VolumeCatalog catalog, NeuroglancerServerOptions options, ChunkReader chunks)
    {
        var assets = ViewerAssets.Embedded;
        app.Use(async (context, next) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers["Referrer-Policy"] = "no-referrer"; // a token in the page URL stays here
            await next(context);
            options.OnResponse?.Invoke(context.Request.Path.Value ?? "", context.Response.StatusCode);
        });
        app.Use(new AccessGuard(options.Token).InvokeAsync);

        app.MapGet("/", (HttpContext context) => assets.IsAvailable
            ? ServeAsset(context, assets.Find("index.html")!)
            : Text(context, StatusCodes.Status503ServiceUnavailable, ViewerAssets.MissingReason));
        app.MapGet("/{file}", (HttpContext context, string file) =>
            assets.Find(file) is { } asset ? ServeAsset(context, asset) : Text(context, StatusCodes.Status404NotFound, "no such file"));

        app.MapGet("/volumes", (HttpContext context) =>
        {
            var origin = Origin(context);
            var html = IndexPage.Html(catalog, origin, ViewerState.ViewerUrl(catalog, origin, options.Token), assets.IsAvailable);
            return Document(context, Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8");
        });
        app.MapGet("/state.json", (HttpContext context) =>
            Json(context, ViewerState.For(catalog, Origin(context))));

        app.MapGet("/data/{name}/info", (HttpContext context, string name) =>
            catalog.Find(name) is { } layer
                ? Json(context, PrecomputedInfo.For(layer))
                : Text(context, StatusCodes.Status404NotFound, "no such volume"));
        app.MapGet("/data/{name}/{scale}/{chunk}", (HttpContext context, string name, string scale, string chunk) =>
            ServeChunk(context, catalog, chunks, name, scale, chunk));
    }

    internal static async Task ServeChunk(HttpContext context, VolumeCatalog catalog, ChunkReader chunks, string name, string scale, string key)
    {
        if (catalog.Find(name) is not { } layer || scale != PrecomputedInfo.ScaleKey)
        {
            await Text(context, StatusCodes.Status404NotFound, "no such volume or scale");
            return;
        }
        if (ChunkKey.TryParse(layer, key, out var problem) is not { } block)
        {
            await Text(context, StatusCodes.Status400BadRequest, problem);
            return;
        }
        var gzip = HttpCaching.AcceptsGzip(context.Request);
        if (HttpCaching.NotModified(context, layer.Version, gzip, HttpCaching.Immutable))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        byte[] bytes;
        try
        {
            bytes = chunks.Read(layer, block);
        }
        catch (CremiFileException e)
        {
            // The file changed or broke since start: say so, and let no cache keep the error.
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.ETag = default;
            await Text(context, StatusCodes.Status500InternalServerError, e.Message);
            return;
        }
        await HttpCaching.WriteAsync(context, bytes, "application/octet-stream", gzip, context.RequestAborted);
    }

    internal static Task ServeAsset(HttpContext context, ViewerAssets.Asset asset)
    {
        var gzip = HttpCaching.AcceptsGzip(context.Request);
        if (HttpCaching.NotModified(context, $"ng{ViewerAssets.Version}-{asset.Plain.Length:x}", gzip, HttpCaching.Revalidate))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        var response = context.Response;
        response.ContentType = asset.ContentType;
        if (gzip) response.Headers.ContentEncoding = "gzip";
        var body = gzip ? asset.Gzipped : asset.Plain;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    internal static Task Json(HttpContext context, JsonNode json) =>
        Document(context, Encoding.UTF8.GetBytes(json.ToJsonString()), "application/json");

    /// <summary>Small generated documents: gzip when accepted, revalidated by a content hash ETag.</summary>
    private static Task Document(HttpContext context, byte[] body, string contentType)
    {
        var gzip = HttpCaching.AcceptsGzip(context.Request);
        var version = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body), 0, 8);
        if (HttpCaching.NotModified(context, version, gzip, HttpCaching.Revalidate))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        return HttpCaching.WriteAsync(context, body, contentType, gzip, context.RequestAborted);
    }

    internal static Task Text(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n");
    }

    /// <summary>Scheme and host as the client addressed this server, so links work under any loopback name.</summary>
    internal static Uri Origin(HttpContext context) => new($"{context.Request.Scheme}://{context.Request.Host}/");
}
