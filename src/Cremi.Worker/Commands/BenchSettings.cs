using System.ComponentModel;
using Spectre.Console.Cli;

namespace Cremi.Worker.Commands;

/// <summary>Options every `cremi bench` verb shares: the synthetic volume's seed and JSON output. Each verb adds its
/// own `--shape`, since a sensible default size differs (a full sample for I/O, a small volume for the network).</summary>
public class BenchSettings : CommandSettings
{
    [CommandOption("--seed <N>")]
    [DefaultValue(1)]
    public int Seed { get; init; } = 1;

    [CommandOption("--json")]
    [Description("Print the figures as JSON.")]
    public bool Json { get; init; }
}

/// <summary>The bench verbs that measure a whole CREMI sample by default (synthesis, preprocessing).</summary>
public class FullSampleBenchSettings : BenchSettings
{
    [CommandOption("--shape <Z,Y,X>")]
    [Description("Size of the synthetic volume measured. Default: a full CREMI sample.")]
    [DefaultValue("125,1250,1250")]
    public string Shape { get; init; } = "125,1250,1250";
}
