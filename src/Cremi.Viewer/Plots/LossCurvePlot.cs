using ScottPlot;

namespace Cremi.Viewer.Plots;

/// <summary>One epoch's figures as the loss plot needs them (kept free of the learning layer's types).</summary>
public readonly record struct EpochPoint(int Epoch, double TrainLoss, double ValidationLoss, double ValidationF1);

/// <summary>loss.png: training and validation loss per epoch (left axis) and validation F1 (right axis).</summary>
public static class LossCurvePlot
{
    public static byte[] RenderPng(IReadOnlyList<EpochPoint> epochs, int width = 900, int height = 500)
    {
        var plot = new Plot();
        var x = epochs.Select(e => (double)e.Epoch).ToArray();
        var train = plot.Add.Scatter(x, epochs.Select(e => e.TrainLoss).ToArray());
        train.LegendText = "training loss";
        var validation = plot.Add.Scatter(x, epochs.Select(e => e.ValidationLoss).ToArray());
        validation.LegendText = "validation loss";
        var f1 = plot.Add.Scatter(x, epochs.Select(e => e.ValidationF1).ToArray());
        f1.LegendText = "validation F1 (best threshold)";
        f1.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = "F1";
        plot.Axes.Left.Label.Text = "loss";
        plot.Axes.Bottom.Label.Text = "epoch";
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }
}
