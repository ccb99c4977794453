namespace Cremi.Learning.Inference;

/// <summary>Receives finished score sections in z order (each call: consecutive sections from <c>z0</c>, C order).</summary>
public delegate void ScoreSink(int z0, ReadOnlySpan<float> sections);

/// <summary>Gives the model input for sections [z0, z1) of the volume (preprocessed floats, full y and x).</summary>
public delegate Cremi.Core.Volumes.Volume<float> InputSource(int z0, int z1);
