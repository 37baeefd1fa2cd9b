"""What lets everyone read the map: text alternatives for the map and the chart, readable tables and dates, and the colour and contrast checks of the palettes."""
