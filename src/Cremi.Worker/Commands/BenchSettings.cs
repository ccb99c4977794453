using System.ComponentModel;
using Spectre.Console.Cli;

namespace Cremi.Worker.Commands;

/// <summary>Options every `cremi bench` verb shares.</summary>
public class BenchSettings : CommandSettings
{
    [CommandOption("--shape <Z,Y,X>")]
    [Description("Size of the synthetic volume measured. Default: a full CREMI sample.")]
    [DefaultValue("125,1250,1250")]
    public string Shape { get; init; } = "125,1250,1250";

    [CommandOption("--seed <N>")]
    [DefaultValue(1)]
    public int Seed { get; init; } = 1;

    [CommandOption("--json")]
    [Description("Print the figures as JSON.")]
    public bool Json { get; init; }
}
