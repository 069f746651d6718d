package dev.cairn.core;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class MigrationVersionTests {

	@Test
	void parsesSingleNumber() {
		assertThat(MigrationVersion.parse("1").parts()).containsExactly(BigInteger.ONE);
	}

	@Test
	void readsLeadingZerosAsTheSameNumber() {
		assertThat(MigrationVersion.parse("001")).isEqualTo(MigrationVersion.parse("1"));
		assertThat(MigrationVersion.parse("001")).isEqualByComparingTo(MigrationVersion.parse("1"));
	}

	@Test
	void parsesDottedVersion() {
		assertThat(MigrationVersion.parse("1.2").parts()).containsExactly(BigInteger.ONE, BigInteger.TWO);
	}

	@Test
	void parsesTimestampVersionBeyondLong() {
		assertThat(MigrationVersion.parse("20240131120000").parts()).containsExactly(new BigInteger("20240131120000"));
		assertThat(MigrationVersion.parse("99999999999999999999999").parts())
			.containsExactly(new BigInteger("99999999999999999999999"));
	}

	@Test
	void ignoresTrailingZeroParts() {
		assertThat(MigrationVersion.parse("1.0")).isEqualTo(MigrationVersion.parse("1"));
		assertThat(MigrationVersion.parse("1.0.0")).isEqualByComparingTo(MigrationVersion.parse("1"));
		assertThat(MigrationVersion.parse("1.0").hashCode()).isEqualTo(MigrationVersion.parse("1").hashCode());
		assertThat(MigrationVersion.parse("1.0.2")).isNotEqualTo(MigrationVersion.parse("1.2"));
	}

	@Test
	void keepsZeroVersion() {
		assertThat(MigrationVersion.parse("0").parts()).containsExactly(BigInteger.ZERO);
		assertThat(MigrationVersion.parse("0.0")).isEqualTo(MigrationVersion.parse("0"));
		assertThat(MigrationVersion.parse("0")).isLessThan(MigrationVersion.parse("0.1"));
	}

	@Test
	void ordersPartByPartNumerically() {
		List<MigrationVersion> versions = new ArrayList<>(List.of(MigrationVersion.parse("10"),
				MigrationVersion.parse("2"), MigrationVersion.parse("1.1"), MigrationVersion.parse("1")));
		versions.sort(null);
		assertThat(versions).extracting(MigrationVersion::toString).containsExactly("1", "1.1", "2", "10");
	}

	@Test
	void ordersMinorPartsAsNumbersNotText() {
		assertThat(MigrationVersion.parse("1.2")).isLessThan(MigrationVersion.parse("1.10"));
		assertThat(MigrationVersion.parse("1.9.9")).isLessThan(MigrationVersion.parse("1.10"));
	}

	@Test
	void ordersShorterVersionBeforeItsExtensions() {
		assertThat(MigrationVersion.parse("1")).isLessThan(MigrationVersion.parse("1.1"));
		assertThat(MigrationVersion.parse("1.1")).isLessThan(MigrationVersion.parse("1.1.1"));
		assertThat(MigrationVersion.parse("1.1.1")).isLessThan(MigrationVersion.parse("2"));
	}

	@Test
	void ordersTimestampsAfterSmallNumbers() {
		assertThat(MigrationVersion.parse("20240131120000")).isGreaterThan(MigrationVersion.parse("999"));
		assertThat(MigrationVersion.parse("20240131120000")).isLessThan(MigrationVersion.parse("20240131120001"));
	}

	@Test
	void printsCanonicalText() {
		assertThat(MigrationVersion.parse("001")).hasToString("1");
		assertThat(MigrationVersion.parse("1.02")).hasToString("1.2");
		assertThat(MigrationVersion.parse("1.0")).hasToString("1");
		assertThat(MigrationVersion.parse("1.0.3")).hasToString("1.0.3");
		assertThat(MigrationVersion.parse("000")).hasToString("0");
		assertThat(MigrationVersion.parse("20240131120000")).hasToString("20240131120000");
	}

	@Test
	void parsesItsOwnCanonicalText() {
		for (String text : List.of("001", "1.02", "1.0", "1.0.3", "20240131120000")) {
			MigrationVersion version = MigrationVersion.parse(text);
			assertThat(MigrationVersion.parse(version.toString())).isEqualTo(version);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "1.", ".1", "1..2", "v1", "V1", "1_2", "-1", "+1", " 1", "1 ", "1.a", "1,2",
			"\u0661" })
	void rejectsTextThatIsNotDigitsOptionallyDotted(String text) {
		assertThat(MigrationVersion.isVersion(text)).isFalse();
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> MigrationVersion.parse(text))
			.withMessage("'" + text + "' is not a version: use digits, optionally dotted (1, 001, 1.2).");
	}

	@ParameterizedTest
	@ValueSource(strings = { "1", "001", "1.2", "1.0", "20240131120000" })
	void recognisesVersions(String text) {
		assertThat(MigrationVersion.isVersion(text)).isTrue();
	}

	@Test
	void constructorDropsTrailingZeroPartsLikeParse() {
		MigrationVersion constructed = new MigrationVersion(List.of(BigInteger.ONE, BigInteger.ZERO));
		assertThat(constructed).isEqualTo(MigrationVersion.parse("1"));
		assertThat(constructed).isEqualByComparingTo(MigrationVersion.parse("1"));
		assertThat(constructed).hasToString("1");
	}

	@Test
	void rejectsVersionWithoutParts() {
		assertThatIllegalArgumentException().isThrownBy(() -> new MigrationVersion(List.of()))
			.withMessage("A version needs at least one part");
	}

	@Test
	void aTargetThatIsNotAVersionIsRefusedNamingTheSetting() {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> MigratorSettings.builder().target("latest").build())
			.withMessage("cairn.target 'latest' is not a version. Use digits, optionally dotted (0, 3, 1.2).");
	}

}
