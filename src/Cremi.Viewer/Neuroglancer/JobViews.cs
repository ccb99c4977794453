using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Cremi.Viewer.Neuroglancer;

/// <summary>The files one view shows: the data (raw, true clefts) and, when there is one, the mask.</summary>
public sealed record ViewFiles(string Data, string? Mask);

/// <summary>
/// Neuroglancer views of many results on one server (the worker's finished jobs), beside the server's own pages:
///   /viewer/, /viewer/{file}            the Neuroglancer client (bundles are referenced relatively)
///   /jobs/{id}/view                     a redirect to the viewer with that job's state in the fragment
///   /jobs/{id}/data/{name}/info|s0/…    the job's volumes, as `cremi display` serves /data/
/// A job's files come from the resolver (null = no such finished job → 404); they are opened on the first request
/// and kept (a result does not change once published). Chunk names and volume names are checked as in
/// <see cref="DisplayRoutes"/>: no path from a URL ever reaches the disk.
/// </summary>
public sealed class JobViews : IDisposable
{
    private readonly Func<string, ViewFiles?> _resolve;
    private readonly ConcurrentDictionary<string, Lazy<VolumeCatalog>> _catalogs = new();
    private readonly CremiFilePool _files = new(maxIdlePerFile: 2);
    private readonly ChunkReader _chunks;

    public JobViews(Func<string, ViewFiles?> resolve)
    {
        _resolve = resolve;
        _chunks = new ChunkReader(_files);
    }

    public static string ViewPath(string id) => $"/jobs/{Uri.EscapeDataString(id)}/view";

    public void Map(WebApplication app)
    {
        var assets = ViewerAssets.Embedded;
        app.MapGet("/viewer/", (HttpContext context) => assets.IsAvailable
            ? DisplayRoutes.ServeAsset(context, assets.Find("index.html")!)
            : DisplayRoutes.Text(context, StatusCodes.Status503ServiceUnavailable, ViewerAssets.MissingReason));
        app.MapGet("/viewer/{file}", (HttpContext context, string file) =>
            assets.Find(file) is { } asset ? DisplayRoutes.ServeAsset(context, asset) : DisplayRoutes.Text(context, StatusCodes.Status404NotFound, "no such file"));
        app.MapGet("/jobs/{id}/view", (HttpContext context, string id) =>
        {
            if (Catalog(id) is not { } catalog) return DisplayRoutes.Text(context, StatusCodes.Status404NotFound, "no finished job with a mask of that id");
            var url = ViewerState.ViewerUrl(catalog, DisplayRoutes.Origin(context), dataRoot: DataRoot(id), viewerPath: "/viewer/");
            context.Response.Redirect(url.PathAndQuery + url.Fragment);
            return Task.CompletedTask;
        });
        app.MapGet("/jobs/{id}/data/{name}/info", (HttpContext context, string id, string name) =>
            Catalog(id)?.Find(name) is { } layer
                ? DisplayRoutes.Json(context, PrecomputedInfo.For(layer))
                : DisplayRoutes.Text(context, StatusCodes.Status404NotFound, "no such job or volume"));
        app.MapGet("/jobs/{id}/data/{name}/{scale}/{chunk}", (HttpContext context, string id, string name, string scale, string chunk) =>
            Catalog(id) is { } catalog
                ? DisplayRoutes.ServeChunk(context, catalog, _chunks, name, scale, chunk)
                : DisplayRoutes.Text(context, StatusCodes.Status404NotFound, "no such job"));
    }

    private static string DataRoot(string id) => $"/jobs/{Uri.EscapeDataString(id)}/data/";

    private VolumeCatalog? Catalog(string id)
    {
        if (_resolve(id) is not { } files) return null;
        // Lazy: concurrent first requests for a job open its files once.
        return _catalogs.GetOrAdd(id, _ => new Lazy<VolumeCatalog>(() => VolumeCatalog.Open(files.Data, files.Mask))).Value;
    }

    public void Dispose() => _files.Dispose();
}
