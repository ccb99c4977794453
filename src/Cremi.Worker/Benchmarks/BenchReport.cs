using System.Text.Json;
using Spectre.Console;

namespace Cremi.Worker.Benchmarks;

/// <summary>One benchmark's figures, printed as a table or as JSON (snake_case keys, numbers unformatted).</summary>
public sealed class BenchReport(string name)
{
    private readonly List<(string Key, object Value, string Shown)> _rows = [];

    public BenchReport Add(string key, object value, string? shown = null)
    {
        _rows.Add((key, value, shown ?? value.ToString() ?? ""));
        return this;
    }

    public void Write(IAnsiConsole console, bool json)
    {
        if (json)
        {
            console.Profile.Width = int.MaxValue;
            var document = new Dictionary<string, object> { ["benchmark"] = name };
            foreach (var row in _rows) document[row.Key] = row.Value;
            console.WriteLine(JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).Title($"bench {name}").AddColumns("measure", "value");
        foreach (var row in _rows) table.AddRow(Markup.Escape(row.Key), Markup.Escape(row.Shown));
        console.Write(table);
    }

    public static string Megabytes(long bytes) => $"{bytes / (1024.0 * 1024.0):F0} MiB";
}
