namespace Cremi.Learning.Training;

/// <summary>Scores of one validation pass: at the fixed threshold 0.5 and at the best threshold found.</summary>
public sealed record ValidationResult(double Loss, double F1, double Iou, double BestThreshold, double BestF1, long Voxels);
