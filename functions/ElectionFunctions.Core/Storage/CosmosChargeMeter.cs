using Microsoft.Azure.Cosmos;

namespace ElectionFunctions;

/// <summary>
/// A Cosmos DB client handler that counts every request and its request charge (<see cref="Telemetry.CosmosRequestUnits"/>),
/// tagged with the stage: RU per report as Azure bills it, exported with the other metrics, and read by <c>make bench</c>.
/// </summary>
public sealed class CosmosChargeMeter : RequestHandler
{
    public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var stage = Telemetry.Stage();
        Telemetry.CosmosRequests.Add(1, stage);
        Telemetry.CosmosRequestUnits.Add(response.Headers.RequestCharge, stage);
        return response;
    }
}
