namespace QuicActors.Configuration;

/// <summary>
/// A calendar period (years, months, days) read with <see cref="Config.GetPeriod"/>; .NET has no such type,
/// and a period cannot be a <see cref="TimeSpan"/> because months and years have no fixed length.
/// </summary>
public readonly record struct ConfigPeriod(int Years, int Months, int Days)
{
    /// <summary>Adds this period to a date, years first, then months, then days.</summary>
    public DateTime AddTo(DateTime date) => date.AddYears(Years).AddMonths(Months).AddDays(Days);
}
