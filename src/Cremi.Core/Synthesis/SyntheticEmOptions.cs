using Cremi.Core.Volumes;

namespace Cremi.Core.Synthesis;

/// <summary>
/// Settings of <see cref="SyntheticEmVolume"/>. Only <see cref="Shape"/> and <see cref="Seed"/> are required; the
/// defaults give CREMI-like Drosophila neuropil at 40x4x4 nm. Same options → byte-identical volume.
/// </summary>
public sealed record SyntheticEmOptions(Shape3 Shape, int Seed)
{
    /// <summary>Mean spacing of cell seeds in y/x (nm). Profiles are ~0.2-2 µm across (power weights vary the size).</summary>
    public double CellSpacingXyNm { get; init; } = 270;

    /// <summary>Mean spacing of cell seeds in z (nm); larger than in-plane so neurites run through many sections.</summary>
    public double CellSpacingZNm { get; init; } = 800;

    /// <summary>Synaptic clefts per µm³ (each gets its own id 1, 2, 3 …).</summary>
    public double SynapsesPerCubicMicron { get; init; } = 2.2;

    /// <summary>Dark non-synaptic membrane thickenings (no vesicles, no label) per synapse: hard negatives.</summary>
    public double DecoysPerSynapse { get; init; } = 1.0;

    /// <summary>Vesicle clouds without a cleft (terminal cut away from its active zone) per synapse.</summary>
    public double FreeVesicleCloudsPerSynapse { get; init; } = 0.4;

    /// <summary>Mitochondria per µm³.</summary>
    public double MitochondriaPerCubicMicron { get; init; } = 6.0;

    /// <summary>Fraction of cells with dark (glia-like) cytoplasm.</summary>
    public double DarkCellFraction { get; init; } = 0.08;

    /// <summary>Half width of the dark membrane profile in nm (a few pixels dark line).</summary>
    public double MembraneHalfWidthNm { get; init; } = 6;

    /// <summary>Probability that a section is missing (defective raw, labels kept, as in CREMI).</summary>
    public double MissingSectionRate { get; init; } = 0.015;

    /// <summary>Probability that a section is translated (misaligned); raw and labels move together.</summary>
    public double ShiftedSectionRate { get; init; } = 0.015;

    /// <summary>Largest misalignment in pixels.</summary>
    public int MaxShiftPx { get; init; } = 30;

    /// <summary>Standard deviation of the pixel noise in grey levels (after the slight blur).</summary>
    public double NoiseSigma { get; init; } = 10;

    /// <summary>Threads used within a slab; -1 for all. The output does not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Voxel size; CREMI's 40x4x4 nm.</summary>
    public VoxelSize Resolution { get; init; } = VoxelSize.Cremi;
}

/// <summary>A section-level acquisition artefact.</summary>
public enum SectionDefect
{
    None,
    /// <summary>Raw replaced by an almost uniform grey slice (lost/damaged section); cleft labels are kept, as in CREMI.</summary>
    MissingGrey,
    /// <summary>Raw replaced by an almost black slice; cleft labels are kept.</summary>
    MissingBlack,
    /// <summary>The whole section (raw and labels together, since CREMI annotated the images it got) is translated.</summary>
    Shifted,
}

/// <summary>What happened to one section: the defect and, for <see cref="SectionDefect.Shifted"/>, the translation
/// (the picture shows the world at (y + ShiftY, x + ShiftX)).</summary>
public readonly record struct SectionInfo(SectionDefect Defect, int ShiftY, int ShiftX)
{
    public bool IsMissing => Defect is SectionDefect.MissingGrey or SectionDefect.MissingBlack;
}

/// <summary>One synapse of the world model. Coordinates in nm in (unshifted) volume space: z = section * 40.</summary>
public sealed record SyntheticSynapse(
    ulong CleftId,
    int PreCell,
    int PostCell,
    int FirstSection,
    int LastSection,
    double CenterZ, double CenterY, double CenterX,
    double VesicleCloudZ, double VesicleCloudY, double VesicleCloudX,
    double VesicleCloudRadius,
    int VesicleCount);
