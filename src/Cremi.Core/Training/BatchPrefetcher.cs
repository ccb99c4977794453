using System.Threading.Channels;

namespace Cremi.Core.Training;

/// <summary>
/// Prepares batches on a background thread (sampling, extraction, augmentation) so the model never waits for data.
/// A bounded queue keeps at most <c>capacity</c> batches ready; disposing stops the producer.
/// </summary>
public sealed class BatchPrefetcher : IDisposable
{
    private readonly Channel<TrainingBatch> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;

    public BatchPrefetcher(WindowBatchSource source, int batchSize, int capacity = 4)
    {
        _queue = Channel.CreateBounded<TrainingBatch>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        _producer = Task.Factory.StartNew(async () =>
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                    await _queue.Writer.WriteAsync(source.NextBatch(batchSize), _stop.Token);
            }
            catch (OperationCanceledException) { }
            catch (Exception error) { _queue.Writer.TryComplete(error); return; }
            _queue.Writer.TryComplete();
        }, TaskCreationOptions.LongRunning).Unwrap();
    }

    /// <summary>The next batch; waits only when the producer is behind. A failure in the producer surfaces here.</summary>
    public TrainingBatch Next(CancellationToken cancellationToken = default) =>
        _queue.Reader.ReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult();

    public void Dispose()
    {
        _stop.Cancel();
        try { _producer.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
