import gridPlugin from '@gongzhi/plugin-grid';

/** The problems the grid plugin finds in its defaults (which follow the host's time zone) with `timeZone` given. */
const timeZoneProblems = (timeZone: string) => {
  const { defaults } = gridPlugin.options!;
  return gridPlugin.options!.validate!(typeof defaults === 'function' ? defaults({ timeZone }) : { ...defaults, timeZone });
};

test('timeZone takes an IANA name in its canonical spelling, an alias or another case, and refuses anything else', () => {
  for (const zone of ['Asia/Shanghai', 'Asia/Urumqi', 'UTC', 'Asia/Chongqing', 'asia/shanghai', 'Etc/GMT-8'])
    expect(timeZoneProblems(zone)).toEqual([]);
  for (const zone of ['Mars/Olympus', 'Beijing', '']) {
    expect(timeZoneProblems(zone)).toEqual([`timeZone must be an IANA time zone such as "Asia/Shanghai"; got "${zone}"`]);
  }
});
