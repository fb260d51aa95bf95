import gridPlugin from '@gongzhi/plugin-grid';

/** The problems the grid plugin finds in its defaults with `timeZone` replaced. */
const timeZoneProblems = (timeZone: string) => gridPlugin.options!.validate!({ ...gridPlugin.options!.defaults, timeZone });

test('timeZone takes an IANA name in its canonical spelling, an alias or another case, and refuses anything else', () => {
  for (const zone of ['Asia/Shanghai', 'Asia/Urumqi', 'UTC', 'Asia/Chongqing', 'asia/shanghai', 'Etc/GMT-8'])
    expect(timeZoneProblems(zone)).toEqual([]);
  for (const zone of ['Mars/Olympus', 'Beijing', '']) {
    expect(timeZoneProblems(zone)).toEqual([`timeZone must be an IANA time zone such as "Asia/Shanghai"; got "${zone}"`]);
  }
});
