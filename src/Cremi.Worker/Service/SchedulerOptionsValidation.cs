using Microsoft.Extensions.Options;
using Npgsql;

namespace Cremi.Worker.Service;

/// <summary>Scheduler settings that attributes cannot check: a connection string that Npgsql can read, when it is needed.</summary>
internal sealed class SchedulerOptionsValidation : IValidateOptions<SchedulerOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulerOptions o)
    {
        if (o.Store != SchedulerStore.Postgres)
            return o.Connection is { Length: > 0 }
                ? ValidateOptionsResult.Fail("Scheduler:Connection is set but Scheduler:Store is memory; set Scheduler:Store=postgres to use it")
                : ValidateOptionsResult.Success;
        if (string.IsNullOrWhiteSpace(o.Connection))
            return ValidateOptionsResult.Fail("Scheduler:Connection is not set; Scheduler:Store=postgres needs e.g. Host=db;Port=5432;Database=cremi;Username=cremi");
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(o.Connection);
            if (string.IsNullOrWhiteSpace(builder.Host)) return ValidateOptionsResult.Fail("Scheduler:Connection names no Host");
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail($"Scheduler:Connection is not a valid connection string: {e.Message}");
        }
        return ValidateOptionsResult.Success;
    }
}
