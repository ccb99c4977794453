using System.Globalization;
using System.Text;

namespace Cremi.Learning.Training;

/// <summary>One row per epoch: what history.csv and loss.png show.</summary>
public sealed record EpochRecord(int Epoch, long Step, double TrainLoss, double LearningRate, double ValidationLoss,
    double ValidationF1, double ValidationIou, double BestThreshold, double BestF1, double Seconds);

public static class TrainingHistory
{
    public static string ToCsv(IEnumerable<EpochRecord> rows)
    {
        var csv = new StringBuilder("epoch,step,train_loss,learning_rate,val_loss,val_f1,val_iou,best_threshold,best_f1,seconds\n");
        foreach (var r in rows)
            csv.AppendLine(string.Join(",", new object[]
            {
                r.Epoch, r.Step, r.TrainLoss, r.LearningRate, r.ValidationLoss, r.ValidationF1, r.ValidationIou,
                r.BestThreshold, r.BestF1, r.Seconds,
            }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))));
        return csv.ToString();
    }
}
