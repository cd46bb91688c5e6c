"""The names news reports use for countries and organisations, beyond pycountry's.

Each row: code | short names | demonyms (adjective and people) | capitals | metonyms;
names within a column are separated by ";" and an indented line continues the row above.
Codes are ISO 3166-1 alpha-2 for countries and the register's party codes for
organisations. Names are matched case-sensitively, word by word; "Korea" and "Korean"
are left out on purpose: alone they name neither Korea ("the Korean Peninsula").
"""

from __future__ import annotations

from typing import Final

COUNTRY_ROWS: Final = """
AF|Afghanistan|Afghan;Afghans|Kabul|
AL|Albania|Albanian;Albanians|Tirana|
DZ|Algeria|Algerian;Algerians|Algiers|
AO|Angola|Angolan;Angolans|Luanda|
AR|Argentina|Argentine;Argentinian;Argentines;Argentinians|Buenos Aires|Casa Rosada
AM|Armenia|Armenian;Armenians|Yerevan|
AU|Australia|Australian;Australians|Canberra|
AT|Austria|Austrian;Austrians|Vienna|
AZ|Azerbaijan|Azerbaijani;Azerbaijanis;Azeri;Azeris|Baku|
BH|Bahrain|Bahraini;Bahrainis|Manama|
BD|Bangladesh|Bangladeshi;Bangladeshis|Dhaka|
BY|Belarus|Belarusian;Belarusians|Minsk|
BE|Belgium|Belgian;Belgians||
BO|Bolivia|Bolivian;Bolivians|La Paz;Sucre|
BA|Bosnia;Bosnia-Herzegovina|Bosnian;Bosnians|Sarajevo|
BR|Brazil|Brazilian;Brazilians|Brasilia;Brasília|
BG|Bulgaria|Bulgarian;Bulgarians|Sofia|
MM|Myanmar;Burma|Myanmarese;Burmese|Naypyitaw;Naypyidaw|
KH|Cambodia|Cambodian;Cambodians|Phnom Penh|
CM|Cameroon|Cameroonian;Cameroonians|Yaounde;Yaoundé|
CA|Canada|Canadian;Canadians|Ottawa|
CL|Chile|Chilean;Chileans|Santiago|
CN|China;PRC;People's Republic of China;mainland China|Chinese|Beijing|Zhongnanhai
CO|Colombia|Colombian;Colombians|Bogota;Bogotá|
CD|DR Congo;DRC;Democratic Republic of Congo|Congolese|Kinshasa|
HR|Croatia|Croatian;Croatians;Croat;Croats|Zagreb|
CU|Cuba|Cuban;Cubans|Havana|
CY|Cyprus|Cypriot;Cypriots|Nicosia|
CZ|Czech Republic;Czechia|Czech;Czechs|Prague|
DK|Denmark|Danish;Dane;Danes|Copenhagen|
EG|Egypt|Egyptian;Egyptians|Cairo|
EE|Estonia|Estonian;Estonians|Tallinn|
ET|Ethiopia|Ethiopian;Ethiopians|Addis Ababa|
FI|Finland|Finnish;Finn;Finns|Helsinki|
FR|France|French;Frenchman;Frenchmen|Paris|Elysee;Élysée;Elysee Palace;Élysée Palace;Quai d'Orsay
GE|Georgia|Georgian;Georgians|Tbilisi|
DE|Germany|German;Germans|Berlin|
GH|Ghana|Ghanaian;Ghanaians|Accra|
GR|Greece|Greek;Greeks|Athens|
HU|Hungary|Hungarian;Hungarians|Budapest|
IS|Iceland|Icelandic;Icelander;Icelanders|Reykjavik|
IN|India|Indian;Indians|New Delhi|
ID|Indonesia|Indonesian;Indonesians|Jakarta|
IR|Iran;Islamic Republic of Iran|Iranian;Iranians|Tehran|
IQ|Iraq|Iraqi;Iraqis|Baghdad|
IE|Ireland|Irish|Dublin|
IL|Israel|Israeli;Israelis|Jerusalem;Tel Aviv|
IT|Italy|Italian;Italians|Rome|
JP|Japan|Japanese|Tokyo|
JO|Jordan|Jordanian;Jordanians|Amman|
KZ|Kazakhstan|Kazakh;Kazakhs;Kazakhstani|Astana|
KE|Kenya|Kenyan;Kenyans|Nairobi|
KP|North Korea;DPRK;D.P.R.K.;Democratic People's Republic of Korea
    |North Korean;North Koreans|Pyongyang|
KR|South Korea;ROK;R.O.K.;Republic of Korea|South Korean;South Koreans|Seoul|Blue House;Yongsan
    ;Defense Acquisition Program Administration;DAPA
KW|Kuwait|Kuwaiti;Kuwaitis|Kuwait City|
KG|Kyrgyzstan|Kyrgyz|Bishkek|
LA|Laos|Lao;Laotian;Laotians|Vientiane|
LV|Latvia|Latvian;Latvians|Riga|
LB|Lebanon|Lebanese|Beirut|
LY|Libya|Libyan;Libyans|Tripoli|
LT|Lithuania|Lithuanian;Lithuanians|Vilnius|
LU|Luxembourg|Luxembourgish;Luxembourger|
MY|Malaysia|Malaysian;Malaysians|Kuala Lumpur|
ML|Mali|Malian;Malians|Bamako|
MX|Mexico|Mexican;Mexicans|Mexico City|
MD|Moldova|Moldovan;Moldovans|Chisinau;Chișinău|
MN|Mongolia|Mongolian;Mongolians|Ulaanbaatar|
ME|Montenegro|Montenegrin;Montenegrins|Podgorica|
MA|Morocco|Moroccan;Moroccans|Rabat|
NL|Netherlands;the Netherlands;Holland|Dutch|Amsterdam;The Hague|
NZ|New Zealand;NZ|New Zealander;New Zealanders|Wellington|
NE|Niger|Nigerien;Nigeriens|Niamey|
NG|Nigeria|Nigerian;Nigerians|Abuja|
MK|North Macedonia;Macedonia|Macedonian;Macedonians|Skopje|
NO|Norway|Norwegian;Norwegians|Oslo|
OM|Oman|Omani;Omanis|Muscat|
PK|Pakistan|Pakistani;Pakistanis|Islamabad|
PS|Palestine;Palestinian territories|Palestinian;Palestinians|Ramallah|
PA|Panama|Panamanian;Panamanians|Panama City|
PE|Peru|Peruvian;Peruvians|Lima|
PH|Philippines;the Philippines|Philippine;Filipino;Filipinos|Manila|Malacañang;Malacanang
PL|Poland|Polish;Poles|Warsaw|Armament Agency;Agencja Uzbrojenia
PT|Portugal|Portuguese|Lisbon|
QA|Qatar|Qatari;Qataris|Doha|
RO|Romania|Romanian;Romanians|Bucharest|
RU|Russia;Russian Federation|Russian;Russians|Moscow|Kremlin;the Kremlin
RW|Rwanda|Rwandan;Rwandans|Kigali|
SA|Saudi Arabia|Saudi;Saudis;Saudi Arabian|Riyadh|
RS|Serbia|Serbian;Serbians;Serb;Serbs|Belgrade|
SG|Singapore|Singaporean;Singaporeans||
SK|Slovakia|Slovak;Slovaks;Slovakian|Bratislava|
SI|Slovenia|Slovenian;Slovenians;Slovene;Slovenes|Ljubljana|
SO|Somalia|Somali;Somalis|Mogadishu|
ZA|South Africa|South African;South Africans|Pretoria;Cape Town|
SS|South Sudan|South Sudanese|Juba|
ES|Spain|Spanish;Spaniard;Spaniards|Madrid|Moncloa
LK|Sri Lanka|Sri Lankan;Sri Lankans|Colombo|
SD|Sudan|Sudanese|Khartoum|
SE|Sweden|Swedish;Swede;Swedes|Stockholm|
CH|Switzerland|Swiss|Bern;Berne|
SY|Syria|Syrian;Syrians|Damascus|
TW|Taiwan;Republic of China|Taiwanese|Taipei|
TJ|Tajikistan|Tajik;Tajiks|Dushanbe|
TZ|Tanzania|Tanzanian;Tanzanians|Dodoma|
TH|Thailand|Thai;Thais|Bangkok|
TN|Tunisia|Tunisian;Tunisians|Tunis|
TR|Turkey;Türkiye;Turkiye|Turkish;Turk;Turks|Ankara|
TM|Turkmenistan|Turkmen|Ashgabat|
UA|Ukraine|Ukrainian;Ukrainians|Kyiv;Kiev|
AE|United Arab Emirates;UAE;Emirates|Emirati;Emiratis|Abu Dhabi|
GB|United Kingdom;UK;U.K.;Britain;Great Britain|British;Briton;Britons|London
    |Downing Street;Whitehall;Number 10
US|United States;US;U.S.;USA;U.S.A.;America;United States of America|American;Americans
    |Washington;Washington D.C.;Washington, D.C.
    |White House;Pentagon;the White House;the Pentagon;State Department;Foggy Bottom
    ;Capitol Hill
UZ|Uzbekistan|Uzbek;Uzbeks|Tashkent|
VA|Vatican;Holy See|Vatican|Vatican City|
VE|Venezuela|Venezuelan;Venezuelans|Caracas|Miraflores
VN|Vietnam;Viet Nam|Vietnamese|Hanoi|
YE|Yemen|Yemeni;Yemenis|Sanaa;Sana'a|
ZM|Zambia|Zambian;Zambians|Lusaka|
ZW|Zimbabwe|Zimbabwean;Zimbabweans|Harare|
"""

ORGANISATION_ROWS: Final = """
EU|European Union;EU;E.U.|||Brussels;European Commission;European Council
    ;Council of the European Union;Council of the EU
UNSC|UN Security Council;U.N. Security Council;United Nations Security Council
    ;Security Council;UNSC|||
UNGA|UN General Assembly;U.N. General Assembly;United Nations General Assembly
    ;General Assembly|||
UN|United Nations;UN;U.N.|||
NATO|NATO;Nato;North Atlantic Treaty Organization;North Atlantic Treaty Organisation
    ;North Atlantic Alliance|||
G7|G7;G-7;Group of Seven|||
G20|G20;G-20;Group of 20;Group of Twenty|||
ASEAN|ASEAN;Association of Southeast Asian Nations|||
AFRU|African Union|||
IAEA|IAEA;International Atomic Energy Agency|||
OSCE|OSCE;Organization for Security and Co-operation in Europe
    ;Organization for Security and Cooperation in Europe|||
COE|Council of Europe|||
"""

# Arms makers, by the country they stand for in an arms deal: a contract "with Hyundai
# Rotem" is a contract with South Korea's industry. Wire reports on arms deals name the
# maker more often than its country. (Procurement agencies, which buy as often as they
# sell, are their governments' metonyms above: DAPA, the Armament Agency.)
COMPANY_ROWS: Final = """
KR|Hyundai Rotem;Hanwha Aerospace;Hanwha Defense;Hanwha Defence;Hanwha Ocean
    ;Hanwha Systems;Hanwha Land Systems;Hanwha;Korea Aerospace Industries;KAI;LIG Nex1
    ;Poongsan
US|Lockheed Martin;Raytheon;RTX;Northrop Grumman;General Dynamics;Boeing;L3Harris
DE|Rheinmetall;Krauss-Maffei Wegmann;KMW;Diehl Defence;Hensoldt
FR|Thales;Dassault Aviation;Dassault;Naval Group;Nexter;Safran
GB|BAE Systems
SE|Saab
IT|Leonardo;Fincantieri
IL|Elbit Systems;Elbit;Rafael Advanced Defense Systems;Israel Aerospace Industries
RU|Rosoboronexport;Rostec;Almaz-Antey;Kalashnikov Concern
CN|Norinco;AVIC
TR|Baykar;Aselsan;Roketsan
NO|Kongsberg
PL|Polska Grupa Zbrojeniowa;PGZ;Huta Stalowa Wola;HSW;Bumar
JP|Mitsubishi Heavy Industries
"""

# Longer names that contain a place's name but are not that place: matched to be dropped.
NOT_PLACES: Final = (
    "New Jersey",
    "New Mexico",
    "New South Wales",
    "New England",
    "Latin America",
    "Latin American",
    "South America",
    "South American",
    "North America",
    "North American",
    "Central America",
    "Central American",
    "Voice of America",
    "Bank of America",
    "Washington Post",
    "Washington Times",
    "Washington state",
    "George Washington",
    "University of Washington",
    "National Security Council",
    "Korean Peninsula",
    "Indian Ocean",
    "Turkey Point",
    "Georgia Tech",
    "Jordan River",
    "American Samoa",
    "Paris Agreement",
    "Paris Club",
    "Paris Hilton",
    "Chad Smith",
    "Sofia Coppola",
    "Lima Group",
    "Santiago Bernabeu",
    "South China Sea",
    "East China Sea",
    "China Sea",
    "North Sea",
    "South Pacific",
    "North Pacific",
    "South Asia",
    "South Asian",
    "North Africa",
    "South Caucasus",
    "the North Atlantic",
    "the South Atlantic",
)

# Names that stand for a country only when the article also names that country, because
# elsewhere they name another ("the North" is North Korea only in an article about Korea).
CONTEXTUAL: Final = (
    ("KP", "the North"),
    ("KR", "the South"),
    ("EU", "the bloc"),
    ("EU", "the 27-nation bloc"),
    ("NATO", "the Alliance"),
)
