namespace Cremi.Hdf5;

/// <summary>Which of the three CREMI volumes a file has, or a writer should write.</summary>
[Flags]
public enum CremiDatasets
{
    None = 0,
    Raw = 1,
    Clefts = 2,
    Predictions = 4,
    All = Raw | Clefts | Predictions,
}
