import { describe, expect, it } from "vitest";
import { age, groupThousands, money, ratioBps, roundDecimal, signClass, signOf } from "../src/format";

describe("roundDecimal (exact, as strings)", () => {
  it("rounds half away from zero without floating point", () => {
    expect(roundDecimal("1.005", 2)).toBe("1.01"); // 1.005 as a double would give 1.00
    expect(roundDecimal("-1.005", 2)).toBe("-1.01");
    expect(roundDecimal("2.675", 2)).toBe("2.68");
    expect(roundDecimal("0.004", 2)).toBe("0.00");
    expect(roundDecimal("-0.004", 2)).toBe("0.00"); // no "-0.00"
    expect(roundDecimal("9.999", 2)).toBe("10.00");
    expect(roundDecimal("999999999999.995", 2)).toBe("1000000000000.00");
    expect(roundDecimal("12", 2)).toBe("12.00");
    expect(roundDecimal("0.123456789", 9)).toBe("0.123456789");
    expect(roundDecimal("5.5", 0)).toBe("6");
  });
  it("leaves anything that is not a decimal alone", () => {
    expect(roundDecimal("abc", 2)).toBe("abc");
    expect(roundDecimal("1e5", 2)).toBe("1e5");
  });
});

describe("display helpers", () => {
  it("groups thousands and formats money", () => {
    expect(groupThousands("1234567.891")).toBe("1,234,567.891");
    expect(groupThousands("-1000")).toBe("-1,000");
    expect(money("-30000.125")).toBe("-30,000.13");
    expect(money(null)).toBe("—");
  });
  it("knows the sign of a decimal string", () => {
    expect(signOf("0.000")).toBe(0);
    expect(signOf("-0.01")).toBe(-1);
    expect(signOf("12")).toBe(1);
    expect(signClass("-3")).toBe("neg");
    expect(signClass(2.5)).toBe("pos");
    expect(signClass("0")).toBe("");
  });
  it("shows ratios in bps and ages in units", () => {
    expect(ratioBps("0.000125")).toBe("1.25");
    expect(ratioBps("x")).toBe("—");
    expect(age(0.085)).toBe("85 ms");
    expect(age(2.44)).toBe("2.4 s");
    expect(age(185)).toBe("3 min");
    expect(age(null)).toBe("—");
  });
});
