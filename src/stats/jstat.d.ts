// The small part of jStat (a CommonJS package published without types) that Faultline uses.
declare module 'jstat' {
  interface JStat {
    normal: {
      cdf(x: number, mean: number, sd: number): number;
      inv(p: number, mean: number, sd: number): number;
    };
    poisson: { cdf(k: number, lambda: number): number };
  }
  const jStat: JStat;
  export default jStat;
}
