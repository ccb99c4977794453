using System.Reflection;
using Cremi.Worker.Cli;
using Cremi.Worker.Commands;
using Microsoft.Extensions.Configuration;
using Spectre.Console.Cli;

namespace Cremi.Worker.Service;

/// <summary>
/// Turns a job's options into the verb's own settings class, so a job runs with exactly the defaults, checks and
/// meanings of `cremi train` / `cremi generate`. Option names are the verb's long option names without dashes
/// ("steps-per-epoch", "val-fraction") or its property names ("StepsPerEpoch"), in any case.
/// </summary>
internal static class JobSettings
{
    /// <summary>Chosen by the worker (files, folders, what to serve), never by a manifest.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
        { "Data", "Model", "Output", "Display", "Port", "Overwrite", "Resume", "ExportPth", "ValidationFiles" };

    public static TrainSettings Train(JobRecord job, string output, string? resume)
    {
        var fixedValues = new Dictionary<string, string?> { ["Output"] = output, ["Resume"] = resume };
        for (var i = 0; i < job.Inputs.Count; i++) fixedValues[$"Data:{i}"] = job.Inputs[i];
        for (var i = 0; i < job.Validation.Count; i++) fixedValues[$"ValidationFiles:{i}"] = job.Validation[i];
        return Bind<TrainSettings>(job.Options, fixedValues);
    }

    public static GenerateSettings Generate(JobRecord job, string output)
    {
        var model = job.Model ?? throw new UserInputException(
            $"{job.Source}: no model for this job: set Worker:DefaultModel, or drop a *.job.json that names one");
        return Bind<GenerateSettings>(job.Options, new() { ["Data"] = job.Inputs[0], ["Model"] = model, ["Output"] = output });
    }

    private static T Bind<T>(IReadOnlyDictionary<string, string> options, Dictionary<string, string?> fixedValues) where T : CommandSettings, new()
    {
        var names = PropertyNames<T>();
        var values = new Dictionary<string, string?>(fixedValues);
        foreach (var (key, value) in options)
        {
            if (!names.TryGetValue(key.Replace("-", ""), out var property))
                throw new UserInputException($"option '{key}' is not an option of this job (see `cremi {Verb<T>()} --help`)");
            if (Reserved.Contains(property)) throw new UserInputException($"option '{key}' is chosen by the worker, not by a job");
            values[property] = value;
        }
        T settings;
        try
        {
            settings = new ConfigurationBuilder().AddInMemoryCollection(values).Build()
                .Get<T>(o => o.ErrorOnUnknownConfiguration = true) ?? new T();
        }
        catch (InvalidOperationException e)
        {
            throw new UserInputException($"job options: {e.InnerException?.Message ?? e.Message}");
        }
        var validation = settings.Validate();
        if (!validation.Successful) throw new UserInputException($"job options: {validation.Message}");
        return settings;
    }

    private static Dictionary<string, string> PropertyNames<T>()
    {
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            names[property.Name] = property.Name;
            if (property.GetCustomAttribute<CommandOptionAttribute>() is { } option)
                foreach (var longName in option.LongNames) names[longName.Replace("-", "")] = property.Name;
        }
        return names;
    }

    private static string Verb<T>() => typeof(T) == typeof(TrainSettings) ? "train" : "generate";
}
