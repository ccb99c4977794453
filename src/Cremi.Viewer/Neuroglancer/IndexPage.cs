using System.Net;
using System.Text;

namespace Cremi.Viewer.Neuroglancer;

/// <summary>The small HTML page at /volumes: what is served, from which file, and the link that opens the viewer.</summary>
internal static class IndexPage
{
    public static string Html(VolumeCatalog catalog, Uri baseAddress, Uri viewerUrl, bool viewerAvailable)
    {
        static string E(string text) => WebUtility.HtmlEncode(text);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>cremi display</title>")
            .Append("<style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em .8em;text-align:left}</style></head><body>")
            .Append("<h1>cremi display</h1>");
        html.Append(viewerAvailable
            ? $"<p><a id=\"viewer\" href=\"{E(viewerUrl.AbsoluteUri)}\">Open in Neuroglancer {E(ViewerAssets.Version)}</a></p>"
            : $"<p><strong>{E(ViewerAssets.MissingReason)}</strong></p>");
        var p = catalog.Position;
        html.Append($"<p>Opens at voxel z={p.Z}, y={p.Y}, x={p.X}{(p.OnCleft ? " (on a cleft)" : "")}.</p>")
            .Append("<table><tr><th>name</th><th>layer</th><th>shape (z,y,x)</th><th>resolution (z,y,x nm)</th><th>file</th><th>source</th></tr>");
        foreach (var layer in catalog.Layers)
            html.Append($"<tr><td>{E(layer.Name)}</td><td>{E(layer.Kind.ToString())}</td><td>{layer.Shape}</td>")
                .Append($"<td>{E(layer.Resolution.ToString())}</td><td>{E(Path.GetFileName(layer.FilePath))}</td>")
                .Append($"<td><code>{E(ViewerState.Source(layer, baseAddress))}</code></td></tr>");
        html.Append("</table></body></html>");
        return html.ToString();
    }
}
